"""A driver for the SLA timers of ``complaint_handling`` on the simulated clock (never sleeps).

``Case`` starts a complaint through the API, completes its tasks as the right demo user, moves
the product clock (``POST /admin/clock``, which fires every timer that became due, in due
order) and reads what happened: timers fired (history ``timer_fired`` by element id),
notifications (history ``notification_sent`` and ``GET /notifications`` as a recipient) and
the ready tasks. Due times are computed from the instance's ``created_at`` (the intake's
``received_at`` defaults to it) with the product's business calendar.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.business_calendar import default_calendar
from tests.evidence import cite_uploads, upload_photo
from tests.scenario.conftest import INTAKE, PROCESS, TASK_DATA

SHANGHAI = ZoneInfo("Asia/Shanghai")
HOUR = 3600

# Who completes each task (the demo users of api-contract.md).
ACTOR = {
    "Task_ConfirmRecord": "agent",
    "Task_ContactSecondary": "supervisor",
    "Task_ClassifyComplaint": "supervisor",
    "Task_SiteVisit": "sales",
    "Task_ApproveByManager": "manager",
    "Task_CustomerAgreement": "agent",
    "Task_FollowUpVisit": "agent",
    "Task_CloseArchive": "supervisor",
    "Task_ExtortionReview": "supervisor",
}
DEPARTMENT_USER = {
    "product_quality": "quality",
    "after_sales": "aftersales",
    "sales": "sales",
    "logistics": "logistics",
}

# Who the escalation roles of domain.md §3 reach among the demo users (the product maps
# roles to groups, rule 3.5: city_manager -> city_managers (citymgr), provincial_manager ->
# provincial_managers (provmgr), regional_manager -> regional_managers (manager), pr_legal ->
# pr_legal, cs_head -> cs_supervisors, distributor_head -> sales, sales_director ->
# marketing_director, centre_general_manager -> general_manager, vice_president -> vice_president).
RESPONSIBLE = {"E": ["citymgr"], "D": ["provmgr"], "C": ["manager", "pr"], "B": ["manager", "pr"]}
INFORMED_ONLY = {  # the level's informed roles that are not also responsible
    "E": ["sales"],
    "D": ["citymgr", "manager", "sales", "supervisor"],
    "C": ["director", "provmgr", "supervisor"],
    "B": ["director", "gm", "supervisor"],
}


class Case:
    """One complaint on the simulated clock."""

    def __init__(self, login: Any, intake: dict[str, Any] | None = None) -> None:
        self.login = login
        self.admin = login("admin")
        self.agent = login("agent")
        created = self.agent.post(
            "/process-instances", json={"process_key": PROCESS, "variables": intake or INTAKE}, expect=201
        )
        self.id: int = created["id"]
        self.business_key: str = created["business_key"]
        self.created_at = datetime.fromisoformat(self.instance()["created_at"])
        self.subject = "product_quality"

    # --- reading --------------------------------------------------------------------------
    def instance(self) -> dict[str, Any]:
        inst: dict[str, Any] = self.admin.get(f"/process-instances/{self.id}", expect=200)
        return inst

    def tasks(self) -> list[dict[str, Any]]:
        tasks: list[dict[str, Any]] = self.instance()["tasks"]
        return tasks

    def task(self, element_id: str) -> dict[str, Any]:
        found = [t for t in self.tasks() if t["element_id"] == element_id]
        assert found, f"{element_id} is not ready; ready: {[t['element_id'] for t in self.tasks()]}"
        return found[0]

    def variables(self) -> dict[str, Any]:
        variables: dict[str, Any] = self.instance()["variables"]
        return variables

    def fired(self) -> list[str]:
        """Element ids of the timers that fired, in firing order."""
        return [h["element_id"] for h in self.instance()["history"] if h["type"] == "timer_fired"]

    def fired_at(self, element_id: str) -> datetime:
        history = self.instance()["history"]
        [at] = [h["at"] for h in history if h["type"] == "timer_fired" and h["element_id"] == element_id]
        return datetime.fromisoformat(at)

    def sent(self, element_id: str | None = None) -> list[dict[str, Any]]:
        """``notification_sent`` history entries (optionally of one notify task): element_id, kind,
        recipients, title."""
        return [
            {"element_id": h["element_id"], **h["detail"]}
            for h in self.instance()["history"]
            if h["type"] == "notification_sent" and (element_id is None or h["element_id"] == element_id)
        ]

    def notifications(self, user: str) -> list[dict[str, Any]]:
        """The user's notifications about this complaint (``GET /notifications`` as the user)."""
        items = self.login(user).get("/notifications", expect=200)["items"]
        return [n for n in items if n["instance_id"] == self.id]

    def timers(self) -> dict[str, datetime]:
        return {t["element_id"]: datetime.fromisoformat(t["due_at"]) for t in self.instance()["timers"]}

    # --- acting ---------------------------------------------------------------------------
    def complete(self, element_id: str, data: dict[str, Any] | None = None, user: str | None = None) -> None:
        task = self.task(element_id)
        if element_id == "Task_ContactSecondary":
            base = dict(TASK_DATA["Task_ConfirmRecord"])
        elif element_id.startswith("Task_ApproveBy"):
            base = dict(TASK_DATA["Task_ApproveByManager"])
        else:
            base = dict(TASK_DATA[element_id])
        if element_id == "Task_Investigate":
            base["subject"] = self.subject
            if self.subject != "product_quality":
                base.pop("evidence_photos")
        base = cite_uploads(base, lambda: upload_photo(self.agent, self.id))
        base.update(data or {})
        if element_id == "Task_ClassifyComplaint":
            self.subject = base["subject"]
        actor = user or ACTOR.get(element_id) or DEPARTMENT_USER[self.subject]
        self.login(actor).post(f"/tasks/{task['id']}/complete", json={"data": base}, expect=200)

    def to_handling(self, **classification: Any) -> None:
        """Confirm and classify at once (default: product quality, general); for sales and
        after-sales complaints the site visit is done too. Ends with Task_Investigate ready."""
        self.complete("Task_ConfirmRecord")
        self.complete("Task_ClassifyComplaint", classification)
        if self.subject not in ("service_quality", "other"):  # handed over to another department
            self.complete("Task_AcknowledgeHandover")
        if self.subject in ("sales", "after_sales"):
            self.complete("Task_SiteVisit")
        self.task("Task_Investigate")

    def handle(self) -> None:
        """From Task_Investigate to Task_FollowUpVisit: the handling subprocess done."""
        for element_id in (
            "Task_Investigate",
            "Task_ProposeSolution",
            "Task_ApproveByManager",
            "Task_CustomerAgreement",
            "Task_ImplementSolution",
        ):
            self.complete(element_id)
        self.task("Task_FollowUpVisit")

    def advance(self, seconds: float) -> None:
        self.admin.post("/admin/clock", json={"advance_seconds": seconds}, expect=200)

    def advance_to(self, moment: datetime) -> None:
        """Move the clock to ``moment`` (firing every timer due on the way)."""
        self.admin.post("/admin/clock", json={"now": moment.isoformat()}, expect=200)

    def now(self) -> datetime:
        return datetime.fromisoformat(self.admin.get("/admin/clock", expect=200)["now"])

    # --- expectations ---------------------------------------------------------------------
    def after(self, hours: float) -> datetime:
        return self.created_at + timedelta(hours=hours)

    def working_days(self, n: int) -> datetime:
        return default_calendar().add_working_days(self.created_at, n)

    def end_of_working_day(self, n: int) -> datetime:
        return default_calendar().end_of_working_day(self.created_at, n)


def recipients(case: Case, element_id: str) -> list[str]:
    [sent] = case.sent(element_id)
    return sorted(sent["recipients"])


def kinds(case: Case, element_id: str) -> str:
    [sent] = case.sent(element_id)
    return str(sent["kind"])


MINUTE = timedelta(minutes=1)


@pytest.fixture
def case(login: Any) -> Any:
    """``case(intake=None)`` -> a new complaint ``Case``."""

    def _make(intake: dict[str, Any] | None = None) -> Case:
        return Case(login, intake)

    return _make

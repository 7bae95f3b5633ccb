"""A driver for ``appeal_review`` (docs/appeal_review.md) through the real HTTP API, on the
simulated clock (``POST /admin/clock`` fires what is due; nothing sleeps).

``Appeal`` files an appeal as the appeals office, completes its tasks as the right demo user,
moves the clock and reads what happened (history, notifications, ready tasks). ``handled_case``
registers a complaint and has its investigation done by the quality department, so that the
quality user is the "original handler" an appeal about it must exclude (rule 5.2)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from tests.case_reading import CaseReading
from tests.sla.conftest import Case
from tests.web.conftest import web_login

PROCESS = "appeal_review"

# Who completes each task (demo users; the investigation is open to appeal_investigators and quality).
ACTOR = {
    "Task_AcceptAppeal": "appeals",
    "Task_InvestigateAppeal": "investigator",
    "Task_ApproveAppealDecision": "gm",
    "Task_WrittenNotice": "appeals",
    "Task_HigherReview": "appeals",
}
TASK_DATA: dict[str, dict[str, Any]] = {
    "Task_AcceptAppeal": {"acceptance_decision": "accepted", "acceptance_reason": "材料齐全"},
    "Task_InvestigateAppeal": {"investigation_findings": "原决定依据不足", "proposed_decision": "upheld"},
    "Task_ApproveAppealDecision": {"head_decision": "approved", "head_comment": "同意"},
    "Task_WrittenNotice": {"notice_text": "申诉成立, 原决定撤销", "higher_review_requested": False},
    "Task_HigherReview": {"review_body": "国家认监委", "review_outcome": "confirmed", "review_note": "维持"},
}
DATED = {"Task_AcceptAppeal": "acceptance_notice_on", "Task_WrittenNotice": "notice_sent_on"}


def answers(day: date) -> dict[str, dict[str, Any]]:
    """Each task's default data, its dates (notice sent on ...) set to ``day``."""
    return {k: {**v, **({DATED[k]: day.isoformat()} if k in DATED else {})} for k, v in TASK_DATA.items()}


def filing(today: date, **changes: Any) -> dict[str, Any]:
    """A decision appeal filed today about a decision taken two days ago (in time); a change to
    None leaves the field out."""
    data = {
        "appeal_type": "decision_appeal",
        "appellant": "某检测公司",
        "appellant_contact": "010-12345678",
        "decision_reference": "CERT-2026-001 暂停认证决定",
        "decision_date": (today - timedelta(days=2)).isoformat(),
        "filed_on": today.isoformat(),
        "grounds": "抽样程序不符合规定",
        **changes,
    }
    return {k: v for k, v in data.items() if v is not None}


class Appeal(CaseReading):
    """One appeal on the simulated clock."""

    def __init__(self, login: Any, variables: dict[str, Any] | None = None, **changes: Any) -> None:
        self.login = login
        self.admin = login("admin")
        self.office = login("appeals")
        data = variables if variables is not None else filing(self.today(), **changes)
        created = self.office.post("/process-instances", json={"process_key": PROCESS, "variables": data}, expect=201)
        self.id: int = created["id"]
        self.business_key: str = created["business_key"]

    # --- reading --------------------------------------------------------------------------
    def now(self) -> datetime:
        return datetime.fromisoformat(self.admin.get("/admin/clock", expect=200)["now"])

    def today(self) -> date:
        return self.now().date()

    def instance(self) -> dict[str, Any]:
        inst: dict[str, Any] = self.admin.get(f"/process-instances/{self.id}", expect=200)
        return inst

    def notified(self, user: str) -> list[str]:
        """Titles of the user's notifications about this appeal."""
        items = self.login(user).get("/notifications", expect=200)["items"]
        return [n["title"] for n in items if n["instance_id"] == self.id]

    # --- acting ---------------------------------------------------------------------------
    def complete(self, element_id: str, user: str | None = None, **changes: Any) -> None:
        data = {**TASK_DATA[element_id], **changes}
        if element_id in DATED:
            data.setdefault(DATED[element_id], self.today().isoformat())
        task = self.task(element_id)
        self.login(user or ACTOR[element_id]).post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=200)

    def advance(self, delta: timedelta) -> None:
        self.admin.post("/admin/clock", json={"advance_seconds": int(delta.total_seconds())}, expect=200)


def handled_case(login: Any) -> Case:
    """A complaint whose investigation the quality department has done (by demo user ``quality``)."""
    case = Case(login)
    case.to_handling()
    case.complete("Task_Investigate")
    return case


@pytest.fixture
def appeal(login: Any) -> Any:
    """``appeal(**changes)`` files an appeal (changes to the default filing)."""
    return lambda variables=None, **changes: Appeal(login, variables, **changes)


__all__ = ["web_login"]  # the page tests' browser-session fixture, used here too

"""A driver for ``monthly_accountability`` on the simulated clock (never sleeps).

``Month`` starts the waiting timer-start instance (the one ``flask setup`` keeps; each test's
cleanup removes it), records responsibility findings as the complaint save path would leave
them (a bare complaint instance each, in the month the clock is in), moves the product clock
(``POST /admin/clock`` fires each daily tick on its day) and reads the review tasks.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.business_calendar import default_calendar
from app.models import ProcessDefinition, ProcessInstance, ResponsibilityFinding
from app.runtime import Runtime
from app.services import instances
from app.services.timer_start import TIMER_START_ACTOR

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROCESS = "monthly_accountability"


def first_working_day(year: int, month: int) -> date:
    calendar = default_calendar()
    return next(d for d in (date(year, month, n) for n in range(1, 29)) if calendar.is_working_day(d))


def add_finding(
    rt: Runtime,
    now: datetime,
    employee: str,
    *,
    valid: bool = True,
    patient: bool = False,
    store: str | None = None,
    status: str = "active",
    month: str | None = None,
) -> int:
    """A finding as the complaint save path leaves it, of a bare complaint case recorded ``now``."""
    with rt.sessions() as s:
        definition = s.scalars(
            select(ProcessDefinition)
            .where(ProcessDefinition.key == "complaint_handling")
            .order_by(ProcessDefinition.version.desc())
        ).first()
        assert definition is not None
        case = ProcessInstance(
            definition_id=definition.id,
            process_key=definition.key,
            version=definition.version,
            status="completed",
            variables={},
            created_at=now,
        )
        s.add(case)
        s.flush()
        row = ResponsibilityFinding(
            instance_id=case.id,
            registration_number=f"TS-{case.id}",
            employee=employee,
            store=store,
            valid=valid,
            handled_patiently=patient,
            month=month or now.astimezone(SHANGHAI).strftime("%Y-%m"),
            status=status,
            created_at=now,
        )
        s.add(row)
        s.commit()
        return row.id


def clock_now(login: Any) -> datetime:
    return datetime.fromisoformat(login("admin").get("/admin/clock", expect=200)["now"])


class Month:
    def __init__(self, rt: Runtime, login: Any) -> None:
        self.rt = rt
        self.login = login
        self.admin = login("admin")
        with rt.sessions() as s:
            self.id = instances.start(rt, s, PROCESS, {}, TIMER_START_ACTOR, system=True).id
            s.commit()

    def now(self) -> datetime:
        return datetime.fromisoformat(self.admin.get("/admin/clock", expect=200)["now"]).astimezone(SHANGHAI)

    @property
    def month(self) -> str:
        """The month the clock is in (business time): the month new findings count in."""
        return self.now().strftime("%Y-%m")

    def next_month(self) -> tuple[int, int]:
        now = self.now()
        return (now.year + 1, 1) if now.month == 12 else (now.year, now.month + 1)

    def finding(self, employee: str, **kw: Any) -> int:
        """A finding of a bare complaint case, in the month the clock is in; returns its id."""
        return add_finding(self.rt, self.now(), employee, **kw)

    def advance_to_day(self, day: date) -> None:
        """Move the clock to the end of ``day`` (business time): every daily tick up to it fires."""
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=SHANGHAI) - timedelta(microseconds=1)
        self.admin.post("/admin/clock", json={"now": end.isoformat()}, expect=200)

    def reviews(self) -> dict[str, dict[str, Any]]:
        """The ready review tasks by the month they review, as HR reads them (``GET /tasks/<id>``)."""
        hr = self.login("hr")
        found = {}
        for task in hr.get(f"/tasks?instance_id={self.id}", expect=200):
            assert task["element_id"] == "Task_ReviewProposals"
            full = hr.get(f"/tasks/{task['id']}", expect=200)
            found[full["data"]["review_month"]] = full
        return found

    def variables(self) -> dict[str, Any]:
        inst: dict[str, Any] = self.admin.get(f"/process-instances/{self.id}", expect=200)
        return inst["variables"]


@pytest.fixture
def month(rt: Runtime, login: Any) -> Month:
    return Month(rt, login)


def day_before(day: date) -> date:
    return day - timedelta(days=1)


@pytest.fixture
def finding(rt: Runtime, login: Any) -> Any:
    """``finding("sales", days_ago=0, ...)`` -> the id of a new finding naming that employee."""

    def _make(employee: str, *, days_ago: int = 0, **kw: Any) -> int:
        return add_finding(rt, clock_now(login) - timedelta(days=days_ago), employee, **kw)

    return _make

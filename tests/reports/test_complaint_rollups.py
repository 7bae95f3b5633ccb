"""The month rollups (rule 8.1 at scale): kept by deltas in the save transaction, they give the
same figures as the facts. Real cases through the API: one closed, one reopened, one whose level
changes (a missed 12-hour contact makes it level D), one suspended then terminated; the rollups
kept along the way equal a rebuild from the facts, and a summary of the whole month (rollups)
equals one of the exact days the cases were received (facts)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from app.clock import clock
from app.models import ComplaintFact, ComplaintMonthRollup
from app.models.reports import ROLLUP_KEYS
from app.runtime import Runtime
from app.services import complaint_rollups, reports
from app.services.report_period import Period
from tests.scenario.conftest import ComplaintRun
from tests.sla.conftest import HOUR, Case


def rollup_rows(rt: Runtime) -> list[tuple[Any, ...]]:
    with rt.sessions() as s:
        order = [getattr(ComplaintMonthRollup, k) for k in ROLLUP_KEYS]
        rows = s.scalars(select(ComplaintMonthRollup).order_by(*order))
        columns = [*ROLLUP_KEYS, *complaint_rollups.COUNTERS]
        return [tuple(getattr(r, c) for c in columns) for r in rows if r.received]


def test_rule_8_1_rollups_kept_at_save_equal_the_facts(login: Any, rt: Runtime) -> None:
    ComplaintRun(login).drive()  # closed
    unhappy = {"satisfied": False, "satisfaction": 2, "follow_up_note": "还是有异味"}
    ComplaintRun(login, overrides={"Task_FollowUpVisit": [unhappy]}).drive()  # reopened, then closed
    stopped = Case(login)
    stopped.admin.post(f"/process-instances/{stopped.id}/suspend", expect=200)
    stopped.admin.post(f"/process-instances/{stopped.id}/terminate", json={"reason": "重复登记"}, expect=200)
    late = Case(login)
    late.advance(12 * HOUR + 60)  # level E -> D, secondary, overdue
    kept = rollup_rows(rt)
    assert sum(row[len(ROLLUP_KEYS)] for row in kept) == 4  # received
    assert any(row[ROLLUP_KEYS.index("severity_level")] == "D" for row in kept)
    with rt.sessions() as s:
        complaint_rollups.rebuild(s)
        s.commit()
    assert rollup_rows(rt) == kept

    with rt.sessions() as s:
        received = [r.astimezone(clock.business_tz).date() for r in s.scalars(select(ComplaintFact.received_at))]
        first, last = min(received), max(received)
        month_first = first.replace(day=1)
        month = Period(month_first, (month_first + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        days = Period(first, last)
        assert complaint_rollups.covers(month) and not complaint_rollups.covers(days) and last <= month.last
        assert reports.totals(s, month) == reports.totals(s, days)
        assert reports.totals(s, month)["reopened"] == 1 and reports.totals(s, month)["secondary"] == 1
        assert reports.sla_rates(s, month) == reports.sla_rates(s, days)
        for grouping in reports.GROUP_COLUMNS:
            assert reports.summary_rows(s, month, grouping) == reports.summary_rows(s, days, grouping), grouping
        quality = Period(month.first, month.last, "quality")
        assert reports.totals(s, quality) == reports.totals(s, Period(first, last, "quality"))


def test_concurrent_saves_of_one_month_lose_no_count(rt: Runtime) -> None:
    facts = {"received_month": "2024-02", "department": "quality", "subject": "product_quality",
             "severity_level": "E", "channel": "phone", "status": "running", "is_open": True, "overdue": False,
             "reopened_count": 0, "satisfaction": None, "secondary": False, "outcome": None, "rings": None,
             **{f"sla_{rule}": None for rule in reports.SLA_RULES}}  # fmt: skip
    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def save_one() -> None:
        try:
            with rt.sessions() as s:
                barrier.wait(timeout=30)
                complaint_rollups.apply(s, None, facts)  # a new case of the month, as refresh does
                s.commit()
        except BaseException as exc:  # reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=save_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with rt.sessions() as s:
        february = ComplaintMonthRollup.month == "2024-02"
        received = s.scalar(select(func.sum(ComplaintMonthRollup.received)).where(february))
    assert received == 4

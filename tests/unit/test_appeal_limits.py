"""The appeal's time limits (handlers/appeals.py) on the product's business calendar, alone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from app.business_calendar import default_calendar
from handlers import appeal_time_limits

RECEIVED = "2026-03-02T10:00:00+08:00"  # a Monday


def limits(**params: object) -> dict:
    base = {"appeal_type": "decision_appeal", "decision_date": "2026-03-02", "received_at": RECEIVED}
    return appeal_time_limits({**base, **params})


def test_a_decision_is_appealed_within_10_working_days() -> None:
    cal = default_calendar()
    last = cal.add_working_days(datetime.combine(date(2026, 3, 2), time(12), tzinfo=cal.tz), 10).date()
    assert cal.working_days_between(date(2026, 3, 2), last) == 10
    assert limits(filed_on=last.isoformat())["filed_in_time"] is True
    late = limits(filed_on=(last + timedelta(days=1)).isoformat())
    assert late["filed_in_time"] is False
    assert late["filing_deadline"] == last.isoformat()
    assert "10 working days" in late["refusal_reason"] and "逾期申诉" in late["refusal_reason"]


def test_a_test_report_is_objected_to_within_15_calendar_days() -> None:
    kind = {"appeal_type": "report_objection", "decision_date": None, "report_received_on": "2026-03-02"}
    assert limits(**kind, filed_on="2026-03-17")["filed_in_time"] is True
    late = limits(**kind, filed_on="2026-03-18")
    assert (late["filed_in_time"], late["filing_deadline"]) == (False, "2026-03-17")


def test_acceptance_in_5_working_days_and_decision_in_30_days() -> None:
    cal = default_calendar()
    result = limits(filed_on="2026-03-02")
    acceptance = datetime.fromisoformat(result["acceptance_due"])
    assert cal.working_days_between(date(2026, 3, 2), acceptance.date()) == 5
    assert acceptance.time() == cal.closing_time
    assert datetime.fromisoformat(result["decision_due"]) == datetime.fromisoformat(RECEIVED) + timedelta(days=30)
    assert result["refusal_reason"] is None


@pytest.mark.parametrize(
    "change",
    [{"appeal_type": "complaint"}, {"filed_on": "soon"}, {"decision_date": None}, {"received_at": "2026-03-02T10:00"}],
)
def test_bad_input_is_refused(change: dict) -> None:
    with pytest.raises(ValueError):
        limits(**{"filed_on": "2026-03-02", **change})

"""Where a simulation run's clock moves (``simulation_clock.move_target``): pure, no database."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.business_calendar import BusinessCalendar
from app.errors import BadRequest, Conflict, Invalid
from app.services.simulation_clock import move_target

TZ = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()
FRIDAY = datetime(2026, 12, 4, 15, 0, tzinfo=TZ)


def target(body: dict[str, object], now: datetime = FRIDAY) -> datetime:
    return move_target(body, now, CAL, max_days=30)


def test_each_move() -> None:
    assert target({"advance_seconds": 3600}) == datetime(2026, 12, 4, 16, 0, tzinfo=TZ)
    # 3 working hours left on Friday, 8 on Monday, 8 on Tuesday, 5 on Wednesday
    assert target({"working_hours": 24}) == datetime(2026, 12, 9, 15, 0, tzinfo=TZ)
    assert target({"to": "2026-12-05T10:00:00+08:00"}) == datetime(2026, 12, 5, 10, 0, tzinfo=TZ)
    assert target({"next_weekday": "monday", "time": "09:00"}) == datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
    assert target({"next_weekday": "Friday"}) == datetime(2026, 12, 11, 9, 0, tzinfo=TZ)  # today's 09:00 is past
    assert target({"next_weekday": "friday", "time": "16:00"}) == datetime(2026, 12, 4, 16, 0, tzinfo=TZ)


def test_a_move_must_be_one_and_readable() -> None:
    with pytest.raises(BadRequest):
        target({})
    with pytest.raises(BadRequest):
        target({"advance_seconds": 1, "to": "2026-12-05T10:00:00+08:00"})
    for body, field in (
        ({"advance_seconds": 0}, "advance_seconds"),
        ({"advance_seconds": True}, "advance_seconds"),
        ({"working_hours": "8"}, "working_hours"),
        ({"to": "tomorrow"}, "to"),
        ({"to": "2026-12-05T10:00:00"}, "to"),
        ({"next_weekday": "caturday"}, "next_weekday"),
        ({"next_weekday": "monday", "time": "25:00"}, "time"),
        ({"advance_seconds": 31 * 86400}, "advance_seconds"),
        ({"working_hours": 10_000}, "working_hours"),
        ({"to": "2027-12-05T10:00:00+08:00"}, "to"),
    ):
        with pytest.raises(Invalid) as refused:
            target(body)
        assert refused.value.details[0]["field"] == field, body


def test_never_back() -> None:
    with pytest.raises(Conflict) as refused:
        target({"to": "2026-12-04T14:59:00+08:00"})
    assert refused.value.code == "clock_backwards"

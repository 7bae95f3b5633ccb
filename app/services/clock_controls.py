"""Where the header's simulated-clock buttons move the clock: an hour on, to the same time on
the next working day (the business calendar), or to the start of a given date (business
time zone). Moving itself, with the timers on the way, is ``timer_firing.advance_clock``."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from app.business_calendar import default_calendar
from app.clock import clock
from app.errors import Conflict, Invalid

MOVES = ("hour", "working_day", "date")


def target(move: str, on_date: str | None, now: datetime, *, max_days: int) -> datetime:
    """The time ``move`` leads to from ``now`` (422 naming ``move`` or ``date`` when it cannot be
    read or lies more than ``max_days`` ahead; 409 for a date before now: the clock only moves on)."""
    if move == "hour":
        to = now + timedelta(hours=1)
    elif move == "working_day":
        to = default_calendar().add_working_days(now, 1)
    elif move == "date":
        try:
            day = date.fromisoformat(on_date or "")
        except ValueError:
            raise Invalid(
                "give the date as YYYY-MM-DD",
                code="invalid_clock",
                details=[{"field": "date", "message": "YYYY-MM-DD"}],
            ) from None
        to = datetime.combine(day, time(0), tzinfo=clock.business_tz)
        if to <= now:
            raise Conflict(
                "the clock only moves forward",
                code="clock_backwards",
                details=[{"field": "date", "message": "not after the current time"}],
            )
    else:
        raise Invalid(
            f"move must be one of {', '.join(MOVES)}",
            code="invalid_clock",
            details=[{"field": "move", "message": f"one of {', '.join(MOVES)}"}],
        )
    if to - now > timedelta(days=max_days):
        raise Invalid(
            f"the clock moves at most {max_days} days at once (MAX_CLOCK_ADVANCE_DAYS)",
            code="invalid_clock",
            details=[{"field": "date" if move == "date" else "move", "message": f"more than {max_days} days ahead"}],
        )
    return to

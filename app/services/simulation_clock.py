"""Where a simulation run's clock moves: by seconds, by working hours (the business calendar),
to a given time, or to a weekday at a time of day (business time zone). Forward only, and at
most ``max_days`` at once, like the server's simulated clock. Pure: no Flask, no database."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from app.business_calendar import BusinessCalendar
from app.errors import BadRequest, Conflict, Invalid

MOVES = ("advance_seconds", "working_hours", "to", "next_weekday")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _refuse(field: str, message: str, detail: str) -> Invalid:
    return Invalid(message, code="invalid_clock", details=[{"field": field, "message": detail}])


def _positive(body: dict[str, Any], field: str) -> float:
    value = body[field]
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0 or value != value:
        raise _refuse(field, f"{field} must be a positive number", "positive number")
    return float(value)


def move_target(body: dict[str, Any], now: datetime, calendar: BusinessCalendar, *, max_days: int) -> datetime:
    """The time the move in ``body`` leads to from ``now`` (400 when no move is given, 422 naming
    the field when it cannot be read or goes too far, 409 for a time before ``now``)."""
    given = [m for m in MOVES if m in body]
    if len(given) != 1:
        raise BadRequest(
            f"give exactly one of {', '.join(MOVES)}",
            code="bad_clock_request",
            details=[{"field": given[1] if len(given) > 1 else "advance_seconds", "message": "exactly one move"}],
        )
    move = given[0]
    limit = timedelta(days=max_days)
    if move == "advance_seconds":
        seconds = _positive(body, move)
        if seconds > limit.total_seconds():
            raise _too_far(move, max_days)
        return now + timedelta(seconds=seconds)
    if move == "working_hours":
        hours = _positive(body, move)
        if hours > max_days * 24:
            raise _too_far(move, max_days)
        try:
            target = calendar.add_working_hours(now, hours)
        except ValueError as exc:
            raise _refuse(move, str(exc), "a number of working hours") from None
    elif move == "to":
        target = _instant(body[move])
    else:
        target = _next_weekday(body, now, calendar)
    if target < now:
        raise Conflict(
            "the run's clock only moves forward",
            code="clock_backwards",
            details=[{"field": move, "message": f"earlier than {now.isoformat()}"}],
        )
    if target - now > limit:
        raise _too_far(move, max_days)
    return target


def _instant(value: Any) -> datetime:
    try:
        target = datetime.fromisoformat(str(value))
    except ValueError:
        target = None
    if target is None or target.tzinfo is None:
        raise _refuse("to", "to must be an ISO 8601 date-time with an offset", "ISO 8601 with offset")
    return target


def _next_weekday(body: dict[str, Any], now: datetime, calendar: BusinessCalendar) -> datetime:
    """The first such weekday and time of day (default 09:00) after ``now``, business time zone."""
    day = str(body["next_weekday"]).strip().lower()
    if day not in WEEKDAYS:
        raise _refuse("next_weekday", "next_weekday must be a day of the week", f"one of {', '.join(WEEKDAYS)}")
    try:
        wall = time.fromisoformat(str(body.get("time") or "09:00"))
    except ValueError:
        raise _refuse("time", "time must be HH:MM", "HH:MM") from None
    local = now.astimezone(calendar.tz)
    ahead = (WEEKDAYS.index(day) - local.weekday()) % 7
    target = datetime.combine(local.date() + timedelta(days=ahead), wall, tzinfo=calendar.tz)
    return target if target > now else target + timedelta(days=7)


def _too_far(field: str, max_days: int) -> Invalid:
    return _refuse(
        field,
        f"the clock moves at most {max_days} days at once (MAX_CLOCK_ADVANCE_DAYS)",
        f"more than {max_days} days ahead",
    )

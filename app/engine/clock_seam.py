"""The seam between the product and SpiffWorkflow's timer code: its clock and its limits.

SpiffWorkflow 3.2 reads ``datetime.now(timezone.utc)`` directly in
``SpiffWorkflow.bpmn.specs.event_definitions.timer``; there is no injection point.
``install()`` replaces that module's ``datetime`` name with a subclass whose ``now()``
is the product clock, and its ``LOCALTZ`` (used for naive ``timeDate`` values) with the
business time zone. ``tests/timers/test_clock_seam.py`` fails if an upgrade changes
how the module reads the time.

It also checks every timer value the engine computes at run time (``TimerLimits``): a
duration longer than ``MAX_TIMER_DAYS`` (the engine would loop over every month of it, or
overflow the calendar) or a cycle shorter than ``min_cycle_seconds`` (a zero-length cycle
fires forever) raises ``TimerValueError``, which becomes an incident on the element; a cycle
repeats at most ``max_cycles`` times (``R/...`` without a count included).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.clock import ClockDatetime, clock

MAX_TIMER_DAYS = 100 * 366
_APPROX_DAYS = {"years": 366.0, "months": 31.0, "weeks": 7.0, "days": 1.0, "hours": 1 / 24, "minutes": 1 / 1440}


class TimerValueError(ValueError):
    """A timer value the product refuses to run."""


@dataclass(frozen=True)
class TimerLimits:
    """How often a cycle timer may repeat, and how short its interval may be."""

    max_cycles: int = 1000
    min_cycle_seconds: float = 0.1


_ORIGINAL = {
    name: getattr(TimerEventDefinition, name)
    for name in ("get_timedelta_from_start", "get_timedelta_from_end", "parse_iso_recurring_interval")
}
_limits = TimerLimits()


def check_duration(parsed: dict[str, Any]) -> None:
    """Refuse a parsed ISO 8601 duration longer than ``MAX_TIMER_DAYS``."""
    days = sum(float(value) * _APPROX_DAYS.get(unit, 1 / 86400) for unit, value in parsed.items())
    if days > MAX_TIMER_DAYS:
        raise TimerValueError(f"a timer of about {days:,.0f} days is longer than the limit of {MAX_TIMER_DAYS:,} days")


def check_cycle(cycles: int, duration: timedelta, limits: TimerLimits) -> int:
    """The number of repetitions to run (capped); refuses a too-short interval."""
    if duration.total_seconds() < limits.min_cycle_seconds:
        raise TimerValueError(
            f"a cycle timer repeating every {duration.total_seconds():g} s is shorter than the "
            f"limit of {limits.min_cycle_seconds:g} s"
        )
    return limits.max_cycles if cycles < 0 or cycles > limits.max_cycles else cycles


def _from_start(parsed_duration: dict[str, Any], start: datetime | None = None) -> timedelta:
    check_duration(parsed_duration)
    result: timedelta = _ORIGINAL["get_timedelta_from_start"](parsed_duration, start)
    return result


def _from_end(parsed_duration: dict[str, Any], end: datetime) -> timedelta:
    check_duration(parsed_duration)
    result: timedelta = _ORIGINAL["get_timedelta_from_end"](parsed_duration, end)
    return result


def _recurring(expression: str) -> tuple[int, datetime, timedelta]:
    cycles, start, duration = _ORIGINAL["parse_iso_recurring_interval"](expression)
    return check_cycle(cycles, duration, _limits), start, duration


def check_timer_literal(value: str) -> None:
    """Check a constant timer value at deploy the way the engine will read it at run time
    (``ValueError`` with the reason when it would fail or break a limit)."""
    text = value.strip()
    try:
        if text.upper().startswith("R"):
            cycles, _start, duration = _ORIGINAL["parse_iso_recurring_interval"](text)
            check_cycle(cycles, duration, _limits)
        elif text.upper().startswith("P"):
            _from_start(TimerEventDefinition.parse_iso_duration(text))
        else:
            TimerEventDefinition.get_datetime(text)
    except TimerValueError:
        raise
    except Exception as exc:  # the engine's parsers raise plain Exception
        raise ValueError(f"'{text}' is not a valid ISO 8601 timer value ({exc})") from None


def install(limits: TimerLimits | None = None) -> None:
    """Route SpiffWorkflow's timer arithmetic through the product clock and limits (idempotent)."""
    global _limits
    _limits = limits or TimerLimits()
    spiff_timer.datetime = ClockDatetime
    spiff_timer.LOCALTZ = clock.business_tz
    TimerEventDefinition.get_timedelta_from_start = staticmethod(_from_start)
    TimerEventDefinition.get_timedelta_from_end = staticmethod(_from_end)
    TimerEventDefinition.parse_iso_recurring_interval = staticmethod(_recurring)


def installed() -> bool:
    return spiff_timer.datetime is ClockDatetime and spiff_timer.LOCALTZ is clock.business_tz

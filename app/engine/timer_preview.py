"""When a timer would fall due if its element started now: the modeler's inline preview.

The value is computed as the engine computes it at run time: the text is normalized like the
compiler does (a plain ISO 8601 value is quoted), evaluated in the diagram sandbox over the sample
``variables`` (so the business-calendar helpers and their limits are the engine's own), then read
by SpiffWorkflow's timer parsers with the product's limits (``clock_seam``). Nothing here raises
for a bad expression: the preview says what is wrong instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.engine import sandbox
from app.engine.compiler import normalize_timer_text
from app.engine.runtime import Engine

KINDS = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True)
class TimerPreview:
    """``due`` is the first time the timer fires (UTC), or None with ``message`` saying why."""

    valid: bool
    due: datetime | None
    message: str
    cycles: int | None = None  # a cycle: how many times it repeats (None: not a cycle)
    interval: timedelta | None = None


def preview_timer(engine: Engine, kind: str, expression: str, variables: dict[str, Any], now: datetime) -> TimerPreview:
    """The due time of a ``kind`` timer whose text is ``expression``, started at ``now``."""
    if kind not in KINDS:
        raise ValueError(f"unknown timer kind {kind!r}")
    text = normalize_timer_text(expression)
    if not text:
        return TimerPreview(False, None, "the timer has no value")
    if "${" in text or "#{" in text:
        return TimerPreview(False, None, "JUEL expressions (${...}) are not supported; write Python")
    try:
        sandbox.compile_expression(text)
    except sandbox.ScriptError as exc:
        return TimerPreview(False, None, f"the expression is refused: {exc}")
    try:
        value = engine.script_engine.environment.evaluate(text, dict(variables))
    except Exception as exc:  # whatever diagram code raises is the analyst's to read
        return TimerPreview(False, None, f"the expression failed: {type(exc).__name__}: {exc}")
    if not isinstance(value, str):
        return TimerPreview(False, None, f"the expression gave {type(value).__name__}, not ISO 8601 text")
    try:
        return _due(kind, value.strip(), now)
    except Exception as exc:  # SpiffWorkflow's parsers raise plain Exception
        return TimerPreview(False, None, f"{value!r} is not a valid {kind} value: {exc}")


def _due(kind: str, value: str, now: datetime) -> TimerPreview:
    if kind == "timeDuration":
        if not value.upper().startswith("P"):
            return TimerPreview(False, None, f"{value!r} is not an ISO 8601 duration (PT24H, P2D); use timeDate")
        delta = TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(value), now)
        return TimerPreview(True, now + delta, "")
    if kind == "timeCycle":
        if not value.upper().startswith("R"):
            return TimerPreview(False, None, f"{value!r} is not an ISO 8601 repetition (R3/PT1H)")
        cycles, start, interval = TimerEventDefinition.parse_iso_recurring_interval(value)
        return TimerPreview(True, start.astimezone(UTC), "", cycles=cycles, interval=interval)
    parsed = TimerEventDefinition.parse_time_or_duration(value)
    if not isinstance(parsed, datetime):
        return TimerPreview(False, None, f"{value!r} is a duration, not a date-time; use timeDuration")
    return TimerPreview(True, parsed.astimezone(UTC), "")

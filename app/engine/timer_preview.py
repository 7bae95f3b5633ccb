"""When a timer would fall due if its element started now: the modeler's inline preview.

The value is computed as the engine computes it at run time: the text is normalized like the
compiler does (a plain ISO 8601 value is quoted), evaluated in the diagram sandbox over the sample
``variables`` (so the business-calendar helpers and their limits are the engine's own), then read
by SpiffWorkflow's timer parsers with the product's limits (``clock_seam``). Nothing here raises
for a bad expression: the preview says what is wrong instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.engine import sandbox
from app.engine.compiler import is_iso_typo, normalize_timer_text
from app.engine.runtime import Engine

KINDS = ("timeDate", "timeDuration", "timeCycle")
# why a value is refused (a stable code) -> what the preview says, in English; {names}: its params
REFUSALS = {
    "empty": "the timer has no value",
    "juel": "JUEL expressions (${{...}}) are not supported; write Python",
    "refused": "the expression is refused: {error}",
    "failed": "the expression failed: {error}",
    "not_text": "the expression gave {type}, not ISO 8601 text",
    "not_valid": "{value} is not a valid {kind} value: {error}",
    "not_iso": "{value} is not a valid ISO 8601 duration, date or cycle (e.g. PT24H, P2D, R3/PT1H)",
    "not_duration": "{value} is not an ISO 8601 duration (PT24H, P2D); use timeDate",
    "not_repetition": "{value} is not an ISO 8601 repetition (R3/PT1H)",
    "not_date": "{value} is a duration, not a date-time; use timeDuration",
}


@dataclass(frozen=True)
class TimerPreview:
    """``due`` is the first time the timer fires (UTC), or None with ``message`` saying why (in
    English; ``reason`` is its stable code and ``params`` the values it names, for a translation)."""

    valid: bool
    due: datetime | None
    message: str
    cycles: int | None = None  # a cycle: how many times it repeats (None: not a cycle)
    interval: timedelta | None = None
    reason: str = ""
    params: dict[str, str] = field(default_factory=dict)


def _refused(reason: str, **params: str) -> TimerPreview:
    return TimerPreview(False, None, REFUSALS[reason].format(**params), reason=reason, params=params)


def preview_timer(engine: Engine, kind: str, expression: str, variables: dict[str, Any], now: datetime) -> TimerPreview:
    """The due time of a ``kind`` timer whose text is ``expression``, started at ``now``."""
    if kind not in KINDS:
        raise ValueError(f"unknown timer kind {kind!r}")
    if is_iso_typo(expression):
        return _refused("not_iso", value=repr(expression.strip()))
    text = normalize_timer_text(expression)
    if not text:
        return _refused("empty")
    if "${" in text or "#{" in text:
        return _refused("juel")
    try:
        sandbox.compile_expression(text)
    except sandbox.ScriptError as exc:
        return _refused("refused", error=str(exc))
    try:
        value = engine.script_engine.environment.evaluate(text, dict(variables))
    except Exception as exc:  # whatever diagram code raises is the analyst's to read
        return _refused("failed", error=f"{type(exc).__name__}: {exc}")
    if not isinstance(value, str):
        return _refused("not_text", type=type(value).__name__)
    try:
        return _due(kind, value.strip(), now)
    except Exception as exc:  # SpiffWorkflow's parsers raise plain Exception
        return _refused("not_valid", value=repr(value), kind=kind, error=str(exc))


def _due(kind: str, value: str, now: datetime) -> TimerPreview:
    if kind == "timeDuration":
        if not value.upper().startswith("P"):
            return _refused("not_duration", value=repr(value))
        delta = TimerEventDefinition.get_timedelta_from_start(TimerEventDefinition.parse_iso_duration(value), now)
        return TimerPreview(True, now + delta, "")
    if kind == "timeCycle":
        if not value.upper().startswith("R"):
            return _refused("not_repetition", value=repr(value))
        cycles, start, interval = TimerEventDefinition.parse_iso_recurring_interval(value)
        return TimerPreview(True, start.astimezone(UTC), "", cycles=cycles, interval=interval)
    parsed = TimerEventDefinition.parse_time_or_duration(value)
    if not isinstance(parsed, datetime):
        return _refused("not_date", value=repr(value))
    return TimerPreview(True, parsed.astimezone(UTC), "")

"""The modeler's timer preview: "due 2026-12-03 18:00 if it started now", on the product clock."""

from __future__ import annotations

from typing import Any

from app.clock import clock
from app.engine import RESERVED_NAMES
from app.engine.timer_preview import KINDS, preview_timer
from app.errors import Invalid
from app.runtime import Runtime

MAX_EXPRESSION = 2000
MAX_VARIABLES = 200


def _field_error(field: str, message: str) -> Invalid:
    return Invalid(f"{field}: {message}", code="invalid_preview", details=[{"field": field, "message": message}])


def check_request(body: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """``kind``, ``expression`` and ``variables`` of a preview request (422 naming the field)."""
    kind = body.get("kind")
    if kind not in KINDS:
        raise _field_error("kind", f"one of {', '.join(KINDS)}")
    expression = body.get("expression")
    if not isinstance(expression, str) or len(expression) > MAX_EXPRESSION:
        raise _field_error("expression", f"required text of at most {MAX_EXPRESSION} characters")
    variables = body.get("variables", {})
    if not isinstance(variables, dict) or len(variables) > MAX_VARIABLES:
        raise _field_error("variables", f"an object of at most {MAX_VARIABLES} sample values")
    for name in variables:
        if name.startswith("_") or name in RESERVED_NAMES or not name.isidentifier():
            raise _field_error(f"variables.{name[:100]}", "not a name process data may take")
    return kind, expression, variables


def preview(rt: Runtime, body: dict[str, Any]) -> dict[str, Any]:
    """When a timer of this kind and value would fall due if its element started now. ``message``
    says it in English; ``reason`` (``due``, ``first_due`` or why it is refused) and ``params``
    are what a translation of it needs."""
    kind, expression, variables = check_request(body)
    result = preview_timer(rt.engine, kind, expression, variables, clock.now())
    if result.due is None:
        return {
            "valid": False,
            "due": None,
            "due_local": None,
            "message": result.message,
            "reason": result.reason,
            "params": result.params,
        }
    local = result.due.astimezone(clock.business_tz).strftime("%Y-%m-%d %H:%M")
    message = f"due {local} if it started now"
    answer: dict[str, Any] = {
        "valid": True,
        "due": result.due.isoformat(),
        "due_local": local,
        "message": message,
        "reason": "due",
        "params": {"due": local},
    }
    if result.cycles is not None and result.interval is not None:
        answer["cycles"] = result.cycles
        answer["interval_seconds"] = result.interval.total_seconds()
        answer["message"] = f"first due {local} if it started now, then every {result.interval}"
        answer["reason"] = "first_due"
        answer["params"] = {"due": local, "interval": str(result.interval)}
    return answer

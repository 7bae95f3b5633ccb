"""Reading an API request's body and parameters; whatever a client sends is refused with a 4xx.

A JSON endpoint reads only ``application/json`` (415 otherwise, also for a body without a
``Content-Type``: an HTML form on another site can post ``text/plain`` but not JSON); numbers
must be finite, nesting at most ``MAX_JSON_DEPTH`` deep, and no text may hold a NUL or a lone
surrogate (422 naming the field).
"""

from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from typing import Any

from flask import request

from app.errors import BadRequest, Conflict, Invalid, UnsupportedMediaType
from app.http import runtime
from app.input_checks import check_json

JSON_TYPE = "application/json"
UTF8 = ("utf-8", "utf8")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is not a finite number")
    return value


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _require_type(allowed: tuple[str, ...], *, what: str) -> None:
    """415 unless the body is one of ``allowed`` (an empty body without a type passes)."""
    if not request.content_type and not request.get_data():
        return
    charset = request.mimetype_params.get("charset")
    if request.mimetype in allowed and (charset is None or charset.lower() in UTF8):
        return
    sent = request.content_type or "no Content-Type"
    raise UnsupportedMediaType(
        f"{what} must be sent as {' or '.join(allowed)} (UTF-8); got {sent}",
        code="unsupported_media_type",
        details=[{"field": "Content-Type", "message": f"expected {' or '.join(allowed)}"}],
    )


def json_body() -> dict[str, Any]:
    """The request's JSON object (see the module docstring for what is refused)."""
    _require_type((JSON_TYPE,), what="the body")
    try:
        data = json.loads(request.get_data(), parse_float=_finite, parse_constant=_no_constants)
    except RecursionError:  # nested far deeper than any limit: refused like any too-deep body
        depth = runtime().settings.max_json_depth
        raise Invalid(
            f"the body is nested deeper than {depth} levels",
            code="too_deeply_nested",
            details=[{"field": "(root)", "message": f"nested deeper than {depth} levels"}],
        ) from None
    except ValueError as exc:
        raise BadRequest(f"the body must be a JSON object: {exc}", code="malformed_json") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object", code="malformed_json")
    check_json(data, max_depth=runtime().settings.max_json_depth)
    return data


def int_arg(name: str, default: int, *, lo: int = 1, hi: int = 10_000) -> int:
    """An integer query parameter between ``lo`` and ``hi`` (400 naming it otherwise)."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw) if raw.isascii() and len(raw) <= 20 else None
    except ValueError:
        value = None
    if value is None:
        raise BadRequest(
            f"query parameter '{name}' must be an integer",
            code="bad_parameter",
            details=[{"field": name, "message": "not an integer"}],
        )
    if not lo <= value <= hi:
        raise BadRequest(
            f"query parameter '{name}' must be between {lo} and {hi}",
            code="bad_parameter",
            details=[{"field": name, "message": f"out of range {lo}..{hi}"}],
        )
    return value


def choice_arg(name: str, choices: tuple[str, ...], default: str) -> str:
    """A query parameter that is one of ``choices`` (400 naming it otherwise)."""
    value = request.args.get(name, default)
    if value not in choices:
        raise BadRequest(
            f"{name} must be {', '.join(choices[:-1])} or {choices[-1]}",
            code="bad_parameter",
            details=[{"field": name, "message": f"one of {', '.join(choices)}"}],
        )
    return value


def clock_target(body: dict[str, Any], now: datetime) -> datetime:
    """Where ``POST /admin/clock`` moves the clock: forward, and at most ``MAX_CLOCK_ADVANCE_DAYS``."""
    limit = timedelta(days=runtime().settings.max_clock_advance_days)
    if "advance_seconds" in body:
        seconds = body["advance_seconds"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or seconds < 0:
            raise Invalid(
                "advance_seconds must be a non-negative number",
                code="invalid_clock",
                details=[{"field": "advance_seconds", "message": "non-negative number"}],
            )
        if seconds > limit.total_seconds():
            raise _too_far("advance_seconds", limit)
        return now + timedelta(seconds=seconds)
    if "now" in body:
        try:
            target = datetime.fromisoformat(str(body["now"]))
        except ValueError:
            target = None
        if target is None or target.tzinfo is None:
            raise Invalid(
                "now must be an ISO 8601 time with an offset",
                code="invalid_clock",
                details=[{"field": "now", "message": "ISO 8601 with offset"}],
            )
        if target < now:
            raise Conflict(
                "the clock only moves forward",
                code="clock_backwards",
                details=[{"field": "now", "message": f"earlier than {now.isoformat()}"}],
            )
        if target - now > limit:
            raise _too_far("now", limit)
        return target
    raise BadRequest(
        "give advance_seconds or now",
        code="bad_clock_request",
        details=[{"field": "advance_seconds", "message": "required (or now)"}],
    )


def _too_far(field: str, limit: timedelta) -> Invalid:
    return Invalid(
        f"the clock moves at most {limit.days} days at once (MAX_CLOCK_ADVANCE_DAYS)",
        code="invalid_clock",
        details=[{"field": field, "message": f"more than {limit.days} days ahead"}],
    )

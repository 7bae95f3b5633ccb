"""A plausible answer to a JSON Schema form, for simulation runs: pure, no Flask, no database.

The answer has every required field (and the fields a condition requires once the first enum
values are chosen): ``const`` values, the first value of an enum, ``true`` for booleans,
numbers within their bounds, dates and date-times of the run's virtual "now", an e-mail address
and a mobile number where the format or pattern asks for one. Attachment fields
(``format: attachment``) are left out, or hold placeholder ids when the form requires files
(a run stores no files). The answer is
then checked with the product's own validator; what a condition still asks for is added and
what it forbids removed, a few rounds at most, so a form the generator cannot satisfy gives its
best effort (the analyst edits it before submitting).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from app.services.form_checks import FORMAT_CHECKER
from app.services.forms import FormValidator, _ecma_regex

SAMPLE_PHONE = "13800138000"
SAMPLE_EMAIL = "customer@example.com"
SAMPLE_TEXT = "示例 sample"
# a simulation run has no files: a form that requires evidence gets placeholder ids
SAMPLE_ATTACHMENT = "simulated-attachment"
_ROUNDS = 8


def sample_answer(schema: dict[str, Any], now: datetime) -> dict[str, Any]:
    """An answer to the form ``schema`` at the (aware) time ``now``."""
    answer = _object(schema, now, all_fields=False)
    for _ in range(_ROUNDS):
        errors = list(FormValidator(schema, format_checker=FORMAT_CHECKER).iter_errors(answer))
        if not errors or not _mend(schema, answer, errors, now):
            break
    return answer


def _object(schema: dict[str, Any], now: datetime, *, all_fields: bool) -> dict[str, Any]:
    props = schema.get("properties") or {}
    wanted = props if all_fields else [k for k in schema.get("required") or [] if k in props]
    answer: dict[str, Any] = {}
    for key in wanted:
        value = _value(props[key], now, required=True)
        if value is not _LEAVE_OUT:
            answer[key] = value
    return answer


class _LeaveOut:
    pass


_LEAVE_OUT: Any = _LeaveOut()


def _value(prop: Any, now: datetime, *, required: bool) -> Any:
    if not isinstance(prop, dict):
        return SAMPLE_TEXT
    if prop.get("format") == "attachment":
        return _LEAVE_OUT
    if "const" in prop:
        return prop["const"]
    if prop.get("enum"):
        return prop["enum"][0]
    kind = prop.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return _number(prop, integer=kind == "integer")
    if kind == "object":
        return _object(prop, now, all_fields=False)
    if kind == "array":
        return _array(prop, now)
    return _string(prop, now)


def _number(prop: dict[str, Any], *, integer: bool) -> int | float:
    step = 1 if integer else 0.5
    low = prop.get("minimum")
    if low is None and prop.get("exclusiveMinimum") is not None:
        low = prop["exclusiveMinimum"] + step
    high = prop.get("maximum")
    if high is None and prop.get("exclusiveMaximum") is not None:
        high = prop["exclusiveMaximum"] - step
    value = 1 if low is None else low
    if high is not None and value > high:
        value = high
    return int(value) if integer else float(value)


def _array(prop: dict[str, Any], now: datetime) -> list[Any]:
    count = int(prop.get("minItems") or 0)
    items = prop.get("items") or {}
    if count == 0:
        return []
    if isinstance(items, dict) and items.get("format") == "attachment":
        return _grow([], count)
    if isinstance(items, dict) and items.get("enum"):
        return list(items["enum"][:count])
    item = _value(items, now, required=True)
    return [item] * count


def _string(prop: dict[str, Any], now: datetime) -> str:
    fmt = prop.get("format")
    local = now.astimezone(now.tzinfo)
    if fmt == "date":
        return local.date().isoformat()
    if fmt == "date-time":
        return local.isoformat(timespec="seconds")
    if fmt == "email":
        return SAMPLE_EMAIL
    pattern = prop.get("pattern")
    if pattern:
        for candidate in (SAMPLE_PHONE, local.isoformat(timespec="seconds"), local.date().isoformat(), SAMPLE_EMAIL):
            if _ecma_regex(pattern).search(candidate):
                return candidate
    text = SAMPLE_TEXT
    low, high = int(prop.get("minLength") or 0), prop.get("maxLength")
    if len(text) < low:
        text = (text + " ") * (low // len(text) + 1)
    if high is not None:
        text = text[: int(high)]
    return text[: max(low, len(text))]


def _mend(schema: dict[str, Any], answer: dict[str, Any], errors: list[Any], now: datetime) -> bool:
    """Add what a condition requires, drop an optional value one forbids; False when nothing changed."""
    changed = False
    for error in errors:
        path = list(error.absolute_path)
        if error.validator == "required":
            holder, sub = _walk(answer, schema, path)
            if holder is None:
                continue
            for key in re.findall(r"'([^']+)' is a required property", error.message):
                if key not in holder:
                    prop = (sub.get("properties") or {}).get(key, {})
                    value = _value(prop, now, required=True)
                    if value is _LEAVE_OUT:  # a required attachment
                        value = [] if prop.get("type") == "array" else f"{SAMPLE_ATTACHMENT}-1"
                    holder[key] = value
                    changed = True
        elif path:
            holder, sub = _walk(answer, schema, path[:-1])
            key = path[-1]
            if holder is None or key not in holder:
                continue
            if error.validator == "minItems" and isinstance(holder[key], list):
                holder[key] = _grow(holder[key], int(error.validator_value))
                changed = True
            elif error.validator == "minLength" and isinstance(holder[key], str):
                holder[key] = (holder[key] or SAMPLE_TEXT).ljust(int(error.validator_value), "。")
                changed = True
            elif key not in (sub.get("required") or []):
                del holder[key]
                changed = True
    return changed


def _grow(items: list[Any], count: int) -> list[Any]:
    """A list of at least ``count`` distinct items (attachment placeholders: a run has no files)."""
    grown = list(items)
    while len(grown) < count:
        grown.append(f"{SAMPLE_ATTACHMENT}-{len(grown) + 1}")
    return grown


def _walk(answer: dict[str, Any], schema: dict[str, Any], steps: list[Any]) -> tuple[Any, dict[str, Any]]:
    """The object of the answer at ``steps`` and its schema, or (None, {}) if it is not an object."""
    holder: Any = answer
    sub: Any = schema
    for step in steps:
        if not isinstance(holder, dict) or step not in holder:
            return None, {}
        holder = holder[step]
        sub = ((sub if isinstance(sub, dict) else {}).get("properties") or {}).get(step, {})
    if not isinstance(holder, dict):
        return None, {}
    return holder, sub if isinstance(sub, dict) else {}

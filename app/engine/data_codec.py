"""Process data as JSON text: what may be stored in an instance, and nothing else.

Used both ways across the script-worker boundary and to check what diagram code stored
before the product keeps it. The value types are the ones the state serializer keeps
(JSON types plus ``datetime``, ``timedelta``, ``UUID``; sets become lists), in the same
``typename`` form, so data that passes here also passes the serializer. Refused with
``UnstorableValue``, naming the variable: complex numbers, objects, non-string keys other
than numbers, integers of more than 4,300 digits, NaN and infinities, text with NUL
characters or lone surrogates (PostgreSQL and UTF-8 refuse them).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID


class UnstorableValue(ValueError):
    """A value diagram code produced that an instance cannot keep."""


class _Encoder(json.JSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return {"value": o.isoformat(), "typename": "datetime"}
        if isinstance(o, timedelta):
            return {"days": o.days, "seconds": o.seconds, "typename": "timedelta"}
        if isinstance(o, UUID):
            return {"value": str(o), "typename": "UUID"}
        if isinstance(o, set | frozenset):
            return list(o)
        raise TypeError(f"a value of type {type(o).__name__} cannot be stored")


def _restore(value: Any) -> Any:
    if isinstance(value, dict):
        kind = value.get("typename")
        if kind == "datetime" and isinstance(value.get("value"), str):
            return datetime.fromisoformat(value["value"])
        if kind == "timedelta":
            return timedelta(days=value.get("days", 0), seconds=value.get("seconds", 0))
        if kind == "UUID" and isinstance(value.get("value"), str):
            return UUID(value["value"])
        return {k: _restore(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_restore(v) for v in value]
    return value


def encode(value: Any, what: str = "value") -> str:
    """JSON text of ``value``, or ``UnstorableValue`` saying what in ``what`` is wrong."""
    try:
        text = json.dumps(value, cls=_Encoder, allow_nan=False, ensure_ascii=False)
        text.encode("utf-8")  # a lone surrogate cannot be encoded
    except (TypeError, ValueError, RecursionError, OverflowError) as exc:
        raise UnstorableValue(f"{what} cannot be stored: {_reason(exc)}") from None
    if "\\u0000" in text:
        raise UnstorableValue(f"{what} cannot be stored: text contains a NUL character")
    return text


def _reason(exc: BaseException) -> str:
    if isinstance(exc, UnicodeEncodeError):
        return "text contains a lone surrogate character"
    if isinstance(exc, RecursionError):
        return "it is nested too deeply"
    message = str(exc)
    if "Out of range float" in message:
        return "NaN and infinite numbers cannot be stored"
    if "keys must be" in message:
        return "dictionary keys must be text or numbers"
    return message


def decode(text: str | bytes) -> Any:
    """The value ``encode`` wrote."""
    return _restore(json.loads(text))


def check_variables(data: dict[str, Any], names: set[str] | None = None) -> None:
    """Refuse the first variable (of ``names``, default all) that cannot be stored."""
    for name in sorted(names if names is not None else data):
        if name in data:
            encode(data[name], f"variable '{name}'")

"""Opaque keyset cursors shared by the bounded lists: a JSON object in URL-safe base64.

A cursor only says where the previous page ended; whatever a client sends in its place is
refused with a 400 naming ``cursor`` (never a 500, never a page from somewhere else)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from app.errors import BadRequest

MAX_LENGTH = 400


def encode(payload: dict[str, Any]) -> str:
    """The cursor for ``payload`` (JSON-serialisable, a few short fields)."""
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def bad_cursor(why: str) -> BadRequest:
    return BadRequest(
        "query parameter 'cursor' is not a cursor this list gave out",
        code="bad_parameter",
        details=[{"field": "cursor", "message": why}],
    )


def decode(cursor: str, keys: frozenset[str]) -> dict[str, Any]:
    """The JSON object a cursor holds, with exactly ``keys`` (400 naming ``cursor`` otherwise)."""
    if len(cursor) > MAX_LENGTH:
        raise bad_cursor("too long")
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii") + b"=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (UnicodeError, binascii.Error, ValueError):
        raise bad_cursor("malformed") from None
    if not isinstance(data, dict) or set(data) != keys:
        raise bad_cursor("malformed")
    return data

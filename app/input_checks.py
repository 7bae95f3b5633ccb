"""What every piece of client text must be before the product stores or queries it.

Two kinds of character are refused wherever a request enters (JSON bodies, form fields, query
strings, path segments, uploaded file names, headers read as data): the NUL character, which
PostgreSQL cannot store in text or JSON, and a lone UTF-16 surrogate (``"\\ud800"``, also sent
as a JSON escape), which is not Unicode text and cannot be written out as UTF-8 again, so every
page showing it would fail. JSON bodies are also limited in nesting depth, and ids and integer
query parameters to what the database's INTEGER column holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from app.errors import Invalid

# the largest id a route or query parameter may name: PostgreSQL's INTEGER (SQLite's is wider)
MAX_DB_INT = 2**31 - 1
# query parameters that are integers wherever they appear (API and pages)
INTEGER_QUERY_PARAMETERS = ("page", "per_page", "instance_id", "limit")
_MAX_DETAILS = 20

UNSAFE_CHARACTER = re.compile("[\x00\ud800-\udfff]")


def unsafe_character(text: str) -> str | None:
    """Why ``text`` cannot be stored (NUL or a lone surrogate), or None when it can."""
    found = UNSAFE_CHARACTER.search(text)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "contains a NUL character (\\u0000), which cannot be stored"
    return f"contains a lone surrogate (\\u{ord(char):04x}), which is not valid Unicode text"


def printable(name: str) -> str:
    """``name`` safe to put in an answer: unsafe characters written as ``\\uXXXX``."""
    return UNSAFE_CHARACTER.sub(lambda m: f"\\u{ord(m.group()):04x}", name)


def json_problems(value: Any, *, max_depth: int) -> list[dict[str, str]]:
    """``{"field", "message"}`` for every unsafe string, key or too-deep nesting in a parsed JSON
    value; fields are dotted paths (``variables.complainant.name``, ``data.photos.2``)."""
    problems: list[dict[str, str]] = []
    stack: list[tuple[str, Any, int]] = [("", value, 1)]
    while stack and len(problems) < _MAX_DETAILS:
        path, node, depth = stack.pop()
        if isinstance(node, dict | list) and depth > max_depth:
            problems.append({"field": path or "(root)", "message": f"nested deeper than {max_depth} levels"})
            continue
        if isinstance(node, dict):
            for key, child in node.items():
                field = f"{path}.{printable(key)}" if path else printable(key)
                reason = unsafe_character(key)
                if reason:
                    problems.append({"field": field, "message": f"the key {reason}"})
                stack.append((field, child, depth + 1))
        elif isinstance(node, list):
            stack.extend((f"{path}.{i}" if path else str(i), child, depth + 1) for i, child in enumerate(node))
        elif isinstance(node, str):
            reason = unsafe_character(node)
            if reason:
                problems.append({"field": path or "(root)", "message": reason})
    return problems


def check_json(value: Any, *, max_depth: int) -> None:
    """Refuse (422) a JSON value with unsafe text or nesting deeper than ``max_depth``."""
    problems = json_problems(value, max_depth=max_depth)
    if not problems:
        return
    too_deep = any(p["message"].startswith("nested deeper") for p in problems)
    raise Invalid(
        f"the body is nested deeper than {max_depth} levels"
        if too_deep
        else "the body contains text that cannot be stored (a NUL character or a lone surrogate)",
        code="too_deeply_nested" if too_deep else "unsafe_text",
        details=problems,
    )


def text_problems(fields: Iterable[tuple[str, str]]) -> list[dict[str, str]]:
    """``{"field", "message"}`` for every (name, value) pair whose name or value is unsafe."""
    problems = []
    for name, value in fields:
        name_reason = unsafe_character(name)
        reason = f"the name {name_reason}" if name_reason else unsafe_character(value)
        if reason:
            problems.append({"field": printable(name), "message": reason})
            if len(problems) >= _MAX_DETAILS:
                break
    return problems


def check_text_fields(fields: Iterable[tuple[str, str]]) -> None:
    """Refuse (422) form fields whose name or value is unsafe, naming each field."""
    problems = text_problems(fields)
    if problems:
        raise Invalid(
            "a field contains text that cannot be stored (a NUL character or a lone surrogate)",
            code="unsafe_text",
            details=problems,
        )


def database_int(text: str) -> int | None:
    """``text`` as a non-negative integer the database can hold, or None if it is not one."""
    if not text or len(text) > len(str(MAX_DB_INT)) or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if value <= MAX_DB_INT else None

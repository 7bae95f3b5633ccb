"""The files a draft may hold, checked before they are stored: names, sizes and content.

A draft may hold a diagram that cannot run yet (it is being edited), but never a file the
workbench cannot read back: a ``.bpmn`` must be BPMN XML, a ``.dmn`` DMN XML, a form a JSON
object. Hostile XML (entities, DTDs) is refused by the same hardened parser as deploy.
"""

from __future__ import annotations

import json
import re
from typing import Any

from app.engine import parse_untrusted
from app.engine.draft_documents import check_decision_table
from app.errors import Invalid, PayloadTooLarge
from app.input_checks import unsafe_character
from app.services.form_design import check_form

MAX_FORM_BYTES = 256 * 1024
MAX_FILES = 50  # per draft: diagrams, decision tables and forms together
_STEM = r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,150}"
FILE_NAME = re.compile(rf"(?:{_STEM}\.(?:bpmn|dmn)|forms/{_STEM}\.json)")


def check_name(name: str) -> str:
    """A bundle file name (``<key>.bpmn``, ``<table>.dmn``, ``forms/<key>.json``), or 422 naming it."""
    if not FILE_NAME.fullmatch(name) or ".." in name:
        raise Invalid(
            f"{name[:200]!r} is not a file a draft holds: <key>.bpmn, <table>.dmn or forms/<key>.json",
            code="bad_file_name",
            details=[{"file": name[:200], "message": "letters, digits, _ . - only; no folders but forms/"}],
        )
    return name


def kind_of(name: str) -> str:
    """``diagram``, ``decision`` or ``form``, by the name's ending."""
    if name.endswith(".bpmn"):
        return "diagram"
    return "decision" if name.endswith(".dmn") else "form"


def checked_content(name: str, content: bytes, *, max_xml_bytes: int) -> str:
    """The file's text once its name and content pass (413/422 naming the file otherwise)."""
    check_name(name)
    kind = kind_of(name)
    limit = MAX_FORM_BYTES if kind == "form" else max_xml_bytes
    if len(content) > limit:
        raise PayloadTooLarge(
            f"{name} is {len(content)} bytes; the limit is {limit}",
            code="file_too_large",
            details=[{"file": name, "message": f"at most {limit} bytes"}],
        )
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid(name, "invalid_encoding", "is not UTF-8 text") from None
    if kind == "diagram":
        try:
            parse_untrusted(content, limit)
        except Invalid as exc:
            raise Invalid(
                f"{name}: {exc.message}", code=exc.code, details=[{"file": name, **d} for d in exc.details]
            ) from None
    elif kind == "decision":
        check_decision_table(content, limit, name)
    else:
        _check_form(name, text)
    if unsafe_character(text) is not None:
        raise _invalid(name, "invalid_text", "holds a NUL character or a lone surrogate")
    return text


def _check_form(name: str, text: str) -> None:
    try:
        schema: Any = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise _invalid(name, "invalid_form", f"is not JSON: {exc}") from None
    if not isinstance(schema, dict):
        raise _invalid(name, "invalid_form", "must be a JSON object (a JSON Schema form)")
    report = check_form(schema)  # saving a form checks it as the form editor does
    if not report.valid:
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in report.errors)
        raise _invalid(name, "invalid_form", f"is not a usable form: {problems}")


def _no_constant(constant: str) -> Any:
    raise ValueError(f"{constant} is not valid JSON")


def _invalid(name: str, code: str, message: str) -> Invalid:
    return Invalid(f"{name} {message}", code=code, details=[{"file": name, "message": message}])

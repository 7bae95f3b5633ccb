"""A deployment bundle: the diagrams, decision tables and forms deployed together as one version.

A version owns the forms and decision tables it was deployed with (contract "Analyst workbench"),
so editing a form never changes a running instance's form. ``read_bundle`` turns uploaded files
into a ``Bundle`` or refuses the whole upload (422 naming each bad file): nothing is half-read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from app.engine import parse_untrusted_decisions
from app.errors import AppError, Invalid

MAX_FILES = 64
MAX_FORM_BYTES = 256 * 1024
MAX_NOTE_CHARS = 2000
FORMS_FOLDER = "forms/"
# a process, decision table or form key: letters, digits, "_" and "-", dot-separated parts
# (``complaint_handling.start``); no folders, no "..", nothing a file system reads specially
_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,99}(\.[A-Za-z0-9_-]{1,100}){0,3}")


@dataclass(frozen=True)
class BundleFile:
    """One file of a bundle, as uploaded: ``name`` is ``x.bpmn``, ``x.dmn`` or ``forms/<key>.json``
    (``""`` for a diagram sent as the raw request body, which has no name)."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Bundle:
    """What one deploy (or one validate) is given."""

    diagrams: tuple[BundleFile, ...]
    decisions: tuple[BundleFile, ...] = ()
    forms: tuple[BundleFile, ...] = ()
    note: str | None = None

    def form(self, key: str) -> bytes | None:
        """The content of ``forms/<key>.json`` if the bundle has it."""
        name = form_file_name(key)
        return next((f.content for f in self.forms if f.name == name), None)


def form_file_name(key: str) -> str:
    return f"{FORMS_FOLDER}{key}.json"


def start_form_key(process_key: str) -> str:
    """The key of a process's start form (``forms/<process key>.start.json``)."""
    return f"{process_key}.start"


def is_key(key: str) -> bool:
    """Whether ``key`` is a name a bundle's file may have (no folders, no '..')."""
    return _KEY.fullmatch(key) is not None


def form_key_of(name: str) -> str:
    """``forms/<key>.json`` -> ``<key>``."""
    return name[len(FORMS_FOLDER) : -len(".json")]


def read_note(note: Any) -> str | None:
    """The deploy's change note, trimmed (None when empty); 422 when too long or not text."""
    if note is None:
        return None
    if not isinstance(note, str) or len(note) > MAX_NOTE_CHARS:
        raise Invalid(
            f"the note must be text of at most {MAX_NOTE_CHARS} characters",
            code="invalid_note",
            details=[{"field": "note", "message": f"at most {MAX_NOTE_CHARS} characters"}],
        )
    return note.strip() or None


def read_bundle(files: Iterable[tuple[str, bytes]], *, note: Any = None, max_xml_bytes: int) -> Bundle:
    """Sort uploaded ``(filename, content)`` pairs into a bundle, checking every file: its name and
    type, its size, that a form is a JSON Schema and a decision table is safe DMN XML. Diagrams are
    parsed and compiled by the deploy, which names their file too."""
    uploads = list(files)
    if not uploads:
        raise _refused([{"field": "file", "message": "send at least one .bpmn diagram in a 'file' part"}])
    if len(uploads) > MAX_FILES:
        raise _refused([{"field": "file", "message": f"{len(uploads)} files; a bundle has at most {MAX_FILES}"}])
    problems: list[dict[str, Any]] = []
    sorted_files: dict[str, list[BundleFile]] = {"bpmn": [], "dmn": [], "form": []}
    seen: set[str] = set()
    for filename, content in uploads:
        try:
            kind, name = _classify(filename)
            if name in seen:
                raise Invalid("the bundle has two files of this name")
            seen.add(name)
            _check_content(kind, content, max_xml_bytes)
        except AppError as err:
            problems.append({"field": "file", "file": filename, "message": err.message})
            continue
        sorted_files[kind].append(BundleFile(name, content))
    if not problems and not sorted_files["bpmn"]:
        problems.append({"field": "file", "message": "a bundle needs at least one .bpmn diagram"})
    if problems:
        raise _refused(problems)
    return Bundle(
        diagrams=tuple(sorted_files["bpmn"]),
        decisions=tuple(sorted_files["dmn"]),
        forms=tuple(sorted_files["form"]),
        note=read_note(note),
    )


def _refused(details: list[dict[str, Any]]) -> Invalid:
    files = ", ".join(d["file"] for d in details if d.get("file"))
    message = f"the bundle cannot be deployed: {files}" if files else "the bundle cannot be deployed"
    return Invalid(message, code="invalid_bundle", details=details)


def _classify(filename: str) -> tuple[str, str]:
    """(kind, stored name) of an uploaded file name, or ``Invalid`` saying what is wrong with it."""
    name = filename or ""
    if name.endswith(".json"):
        key = name[len(FORMS_FOLDER) : -5] if name.startswith(FORMS_FOLDER) else name[:-5]
        _check_key(key)
        return "form", form_file_name(key)
    for kind in ("bpmn", "dmn"):
        if name.endswith(f".{kind}"):
            _check_key(name[: -len(kind) - 1])
            return kind, name
    raise Invalid("unknown file type: a bundle holds .bpmn diagrams, .dmn decision tables and forms/<key>.json")


def _check_key(key: str) -> None:
    if not is_key(key):
        raise Invalid(
            "bad file name: use letters, digits, '_', '-' and '.' (forms as forms/<key>.json), no folders or '..'"
        )


def _check_content(kind: str, content: bytes, max_xml_bytes: int) -> None:
    limit = MAX_FORM_BYTES if kind == "form" else max_xml_bytes
    if not content.strip():
        raise Invalid("the file is empty")
    if len(content) > limit:
        raise Invalid(f"the file is {len(content)} bytes; the limit is {limit}")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid("the file is not UTF-8 text") from None
    if kind == "form":
        check_form(text)
    elif kind == "dmn":
        parse_untrusted_decisions(content)


def check_form(text: str) -> dict[str, Any]:
    """A form is a JSON Schema (draft 2020-12) of an object whose references stay inside it."""
    try:
        schema = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError) as exc:
        raise Invalid(f"the form is not JSON: {exc}") from None
    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise Invalid('a form is a JSON Schema object with "type": "object"')
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(root)"
        raise Invalid(f"not a valid JSON Schema at {where}: {exc.message}") from None
    except RecursionError:
        raise Invalid("the form is nested too deeply") from None
    outside = _outside_references(schema)
    if outside:
        raise Invalid(f"a form may only refer to its own definitions ('#/...'), not {outside!r}")
    return schema


def _no_constant(value: str) -> Any:
    raise ValueError(f"{value} is not a JSON number")


def _outside_references(node: Any) -> str | None:
    """The first ``$ref``/``$dynamicRef`` that points outside the form (it would be fetched)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in ("$ref", "$dynamicRef") and isinstance(value, str) and not value.startswith("#"):
                    return value
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return None

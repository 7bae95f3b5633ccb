"""User-task forms: JSON Schemas owned by each process definition version, validated with ``jsonschema``."""

from __future__ import annotations

import json
import math
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend
from sqlalchemy.orm import Session

from app.clock import business_today, utcnow
from app.errors import Invalid
from app.models import ProcessDefinition
from app.models.definition_files import FORM
from app.services import definition_files
from app.services.bundles import form_key_of
from app.services.form_checks import FORMAT_CHECKER, detail_of

# A form-less task (e.g. a diagram from another modeler) accepts any object.
OPEN_FORM: dict[str, Any] = {"type": "object", "title": "Complete task", "x-title-zh": "完成任务"}


def _not_future(_validator: Any, enabled: Any, instance: Any, _schema: Any) -> Any:
    if not enabled or not isinstance(instance, str):
        return
    try:
        value = date.fromisoformat(instance) if len(instance) == 10 else datetime.fromisoformat(instance)
    except ValueError:
        return  # "format" reports malformed dates
    # a date is compared in the business time zone; a date-time as an instant
    late = value > utcnow() if isinstance(value, datetime) and value.tzinfo else value > business_today()
    if late:
        yield ValidationError(f"{instance!r} is in the future")


@lru_cache(maxsize=512)
def _ecma_regex(pattern: str) -> re.Pattern[str]:
    """JSON Schema patterns are ECMA-262: ``$`` matches only at the very end (Python's also
    matches before a final newline), so an unescaped ``$`` becomes ``\\Z``."""
    return re.compile(re.sub(r"(?<!\\)\$", r"\\Z", pattern))


def _pattern(_validator: Any, pattern: str, instance: Any, _schema: Any) -> Any:
    if isinstance(instance, str) and not _ecma_regex(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _non_finite_numbers(value: Any, path: str = "") -> list[str]:
    """Paths of NaN/Infinity values, which JSON cannot carry and no form accepts."""
    if isinstance(value, float) and not math.isfinite(value):
        return [path or "(root)"]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _non_finite_numbers(v, f"{path}.{k}" if path else str(k))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _non_finite_numbers(v, f"{path}.{i}" if path else str(i))]
    return []


FormValidator = extend(Draft202012Validator, {"x-not-future": _not_future, "pattern": _pattern})


class VersionForms:
    """The forms of one process definition version; ``validate`` raises ``Invalid`` with one
    detail per field. A key the version has no form for is an open form."""

    def __init__(self, schemas: Mapping[str, dict[str, Any]]) -> None:
        self._schemas = dict(schemas)

    def schema(self, form_key: str | None) -> dict[str, Any]:
        return self._schemas.get(form_key or "", OPEN_FORM)

    def start_schema(self, process_key: str) -> dict[str, Any] | None:
        """The start form of a process (``forms/<key>.start.json``), if the version has one."""
        return self._schemas.get(f"{process_key}.start")

    def has(self, form_key: str) -> bool:
        return form_key in self._schemas

    def form_keys(self) -> list[str]:
        return sorted(self._schemas)

    def validate(self, form_key: str | None, data: Any) -> None:
        validate_against(self.schema(form_key), data)


class FormStore:
    """Every version's forms, read from the version's own files (``definition_files``) once and
    kept in a bounded LRU: a version's files never change, so a running instance keeps its forms.
    A version deployed before versions owned their forms (it has none) reads the ``forms/`` folder."""

    def __init__(self, folder: Path, *, cache_size: int = 256) -> None:
        self.folder = folder
        self._cache: OrderedDict[tuple[int, str], VersionForms] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._folder_forms: VersionForms | None = None

    def of(self, session: Session, definition: ProcessDefinition) -> VersionForms:
        """The forms of ``definition`` (keyed by id and content hash: ids can be reused after a rollback)."""
        key = (definition.id, definition.content_hash)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        files = definition_files.contents(session, definition.id, FORM)
        forms = (
            VersionForms({form_key_of(name): json.loads(text) for name, text in files.items()})
            if files
            else self.folder_forms()
        )
        with self._lock:
            self._cache[key] = forms
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return forms

    def folder_forms(self) -> VersionForms:
        """The ``forms/`` folder's forms (the seed of version 1)."""
        if self._folder_forms is None:
            self._folder_forms = VersionForms(
                {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.folder.glob("*.json"))}
            )
        return self._folder_forms


def validate_against(schema: dict[str, Any], data: Any) -> None:
    """Raise ``Invalid`` listing every violation as ``{"field", "message"}``."""
    bad_numbers = _non_finite_numbers(data)
    if bad_numbers:
        raise Invalid(
            "numbers must be finite",
            code="invalid_data",
            details=[{"field": f, "message": "not a finite number"} for f in bad_numbers],
        )
    validator = FormValidator(schema, format_checker=FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    details = [detail_of(e, schema, _field_of(e)) for e in errors]
    raise Invalid("the submitted data does not match the form", code="invalid_data", details=details)


def _field_of(error: Any) -> str:
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    elif error.validator == "additionalProperties" and "'" in error.message:
        path.append(error.message.split("'")[1])
    return ".".join(p for p in path if p) or "(root)"

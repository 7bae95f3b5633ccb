"""User-task forms: JSON Schema files in ``forms/``, validated with ``jsonschema``."""

from __future__ import annotations

import json
import math
import re
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from jsonschema.validators import extend

from app.clock import business_today, utcnow
from app.errors import Invalid
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


class FormStore:
    """Loads form schemas once; ``validate`` raises ``Invalid`` with one detail per field."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache: dict[str, dict[str, Any]] = {}

    def schema(self, form_key: str | None) -> dict[str, Any]:
        if not form_key:
            return OPEN_FORM
        if form_key not in self._cache:
            path = self.folder / f"{form_key}.json"
            if not path.is_file() or "/" in form_key or ".." in form_key:
                return OPEN_FORM
            self._cache[form_key] = json.loads(path.read_text(encoding="utf-8"))
        return self._cache[form_key]

    def start_schema(self, process_key: str) -> dict[str, Any] | None:
        """The start form of a process (``forms/<key>.start.json``), if it has one."""
        key = f"{process_key}.start"
        return self.schema(key) if self.has(key) else None

    def has(self, form_key: str) -> bool:
        if "/" in form_key or ".." in form_key:
            return False
        return (self.folder / f"{form_key}.json").is_file()

    def validate(self, form_key: str | None, data: Any) -> None:
        validate_against(self.schema(form_key), data)


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

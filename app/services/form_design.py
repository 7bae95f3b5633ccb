"""Checks an analyst's form (a JSON Schema) before it is saved: what the form editor's "save" and
preview call, and what a bundle deploy may reuse.

Errors make the form unusable (not a valid JSON Schema, not an object form, a required or
conditional field that does not exist, an enum label for a value the enum lacks); warnings are
what a user would notice (a field without an English or Chinese label, an enum value without a
label in one language). Every problem names the field (``properties.<name>``, dotted).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from app.services.form_checks import FORMAT_CHECKER

MAX_FIELDS = 200  # properties in one form, nested included
WIDGETS = frozenset({"textarea", "lines"})


@dataclass
class FormReport:
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[dict[str, str]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def error(self, where: str, message: str) -> None:
        self.errors.append({"field": where, "message": message})

    def warn(self, where: str, message: str) -> None:
        self.warnings.append({"field": where, "message": message})

    def as_json(self) -> dict[str, Any]:
        return {"valid": self.valid, "errors": self.errors, "warnings": self.warnings}


def check_form(schema: Any) -> FormReport:
    """Everything wrong with ``schema`` as a user-task form."""
    report = FormReport()
    if not isinstance(schema, Mapping):
        report.error("(root)", "a form is a JSON object")
        return report
    try:
        Draft202012Validator.check_schema(schema, format_checker=FORMAT_CHECKER)
    except SchemaError as exc:
        where = ".".join(str(p) for p in exc.absolute_path) or "(root)"
        report.error(where, f"not a valid JSON Schema: {exc.message}")
        return report
    if schema.get("type") != "object":
        report.error("type", 'a form is an object: "type": "object"')
    if not isinstance(schema.get("properties", {}), Mapping):
        report.error("properties", "properties must be an object")
        return report
    count = sum(1 for _ in _walk(schema, ""))
    if count > MAX_FIELDS:
        report.error("properties", f"a form has at most {MAX_FIELDS} fields, this one {count}")
        return report
    _check_titles(schema, report, title="form")
    for where, node in _walk(schema, ""):
        _check_field(where, node, report)
    for where, node in [("(root)", schema), *_walk(schema, "")]:
        if isinstance(node.get("properties"), Mapping):
            _check_required(where, node, report)
            _check_conditions(where, node, report)
    return report


def _walk(node: Mapping[str, Any], prefix: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(dotted name, schema) of every field, nested objects' fields included."""
    for name, prop in (node.get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        where = f"{prefix}{name}"
        yield where, prop
        if prop.get("type") == "object":
            yield from _walk(prop, f"{where}.")


def _check_titles(node: Mapping[str, Any], report: FormReport, *, title: str, where: str = "(root)") -> None:
    if not node.get("title"):
        report.warn(where, f"the {title} has no English title")
    if not node.get("x-title-zh"):
        report.warn(where, f"the {title} has no Chinese title (x-title-zh)")


def _check_field(where: str, prop: Mapping[str, Any], report: FormReport) -> None:
    _check_titles(prop, report, title=f"field {where!r}", where=where)
    fmt = prop.get("format")
    if isinstance(fmt, str) and fmt not in FORMAT_CHECKER.checkers:
        formats = ", ".join(sorted(FORMAT_CHECKER.checkers))
        report.error(where, f"format {fmt!r} is not checked by the product: use one of {formats}")
    widget = prop.get("x-widget")
    if widget is not None and widget not in WIDGETS:
        report.error(where, f"x-widget {widget!r} is not one of: {', '.join(sorted(WIDGETS))}")
    titles = prop.get("x-enum-titles")
    values = prop.get("enum")
    if titles is None:
        if values:
            report.warn(where, "the choices have no labels (x-enum-titles): the page shows the raw values")
        return
    if not isinstance(titles, Mapping) or not all(isinstance(t, Mapping) for t in titles.values()):
        report.error(where, 'x-enum-titles maps each value to {"en": ..., "zh": ...}')
        return
    known = {str(v) for v in values or []}
    for value, labels in titles.items():
        if value not in known:
            report.error(where, f"x-enum-titles labels {value!r}, which is not one of the choices")
        for lang in ("en", "zh"):
            if not labels.get(lang):
                report.warn(where, f"choice {value!r} has no {lang} label")
    for value in sorted(known - set(titles)):
        report.warn(where, f"choice {value!r} has no label")


def _check_required(where: str, node: Mapping[str, Any], report: FormReport) -> None:
    names = set(node.get("properties") or {})
    for name in node.get("required") or []:
        if name not in names:
            report.error(_join(where, "required"), f"required field {name!r} is not a field of the form")


def _check_conditions(where: str, node: Mapping[str, Any], report: FormReport) -> None:
    """``allOf: [{"if": …, "then": …}]``: every field a condition reads or requires exists."""
    names = set(node.get("properties") or {})
    for index, rule in enumerate(node.get("allOf") or []):
        if not isinstance(rule, Mapping):
            continue
        at = _join(where, f"allOf.{index}")
        for part in ("if", "then", "else"):
            branch = rule.get(part)
            if not isinstance(branch, Mapping):
                continue
            for name in list(branch.get("required") or []) + list(branch.get("properties") or {}):
                if name not in names:
                    report.error(at, f"the condition's {part!r} names {name!r}, which is not a field of the form")


def _join(where: str, tail: str) -> str:
    return tail if where == "(root)" else f"{where}.{tail}"

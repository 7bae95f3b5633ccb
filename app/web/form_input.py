"""A posted HTML form -> the typed JSON object a form schema describes, and errors back to fields.

Inputs are named by dotted paths (``complainant.name``). Empty optional inputs are left out,
numbers become numbers, a checkbox is ``true`` when ticked and ``false`` otherwise, a
one-per-line textarea becomes a list. A value that cannot be converted is passed on as
typed, so the schema check reports it against its field like any other mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from flask_babel import gettext, lazy_gettext
from werkzeug.datastructures import MultiDict

from app.input_checks import check_text_fields
from app.web.forms_render import enum_label, localized, schema_type
from app.web.presenters import DISPLAY_TZ, current_lang


def parse(schema: Mapping[str, Any], form: Mapping[str, str]) -> dict[str, Any]:
    """The posted values of ``schema``'s fields, converted to the schema's types; a field holding
    a NUL character or a lone surrogate is refused (``Invalid`` naming it)."""
    check_text_fields(form.items())
    return _object(schema, form, prefix="")


def _object(node: Mapping[str, Any], form: Mapping[str, str], *, prefix: str) -> dict[str, Any]:
    required = set(node.get("required") or [])
    out: dict[str, Any] = {}
    for key, prop in (node.get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        name = f"{prefix}{key}"
        kind = schema_type(prop)
        if kind == "object":
            child = _object(prop, form, prefix=f"{name}.")
            # an untouched optional section (unticked boxes only) is left out entirely
            if key in required or any(v is not False for v in child.values()):
                out[key] = child
        elif kind == "boolean":
            out[key] = form.get(name, "") not in ("", "false", "off")
        elif kind == "array":
            # a textarea sends one value (one entry per line), ticked attachment boxes one value each
            posted = form.getlist(name) if isinstance(form, MultiDict) else [form.get(name, "")]
            items = [line.strip() for value in posted for line in value.splitlines() if line.strip()]
            if items or key in required:
                items_node = prop.get("items")
                item_schema: Mapping[str, Any] = items_node if isinstance(items_node, Mapping) else {}
                out[key] = [_scalar(item_schema, item) for item in items]
        else:
            text = form.get(name, "").strip()
            if text:
                out[key] = _scalar(prop, text)
    return out


def _scalar(prop: Mapping[str, Any], text: str) -> Any:
    kind = schema_type(prop)
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            return _number(text)
    if kind == "number":
        return _number(text)
    if prop.get("format") == "date-time":
        return _aware_time(text)
    return text


def _number(text: str) -> Any:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def _aware_time(text: str) -> str:
    """A ``datetime-local`` value is the user's wall-clock time (China, UTC+8)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=DISPLAY_TZ)
    return moment.isoformat()


def field_errors(
    details: list[dict[str, Any]], known: set[str], schema: Mapping[str, Any] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Split ``Invalid.details`` into messages per known field and the rest (whole-form messages).

    ``evidence_photos.2`` is reported on ``evidence_photos``; the first message per field wins.
    With the form's ``schema``, a condition ("required when ...") is worded with its labels.
    """
    per_field: dict[str, str] = {}
    general: list[str] = []
    for detail in details:
        name = str(detail.get("field") or "")
        message = localize_detail(detail, schema or {})
        parts = name.split(".")
        while parts and parts[-1].isdigit():
            parts.pop()
        name = ".".join(parts)
        if name in known:
            per_field.setdefault(name, message)
        else:
            general.append(f"{name}: {message}" if name and name != "(root)" else message)
    return per_field, general


def field_names(schema: Mapping[str, Any], prefix: str = "") -> set[str]:
    """Every dotted name the form has, sections included."""
    names: set[str] = set()
    for key, prop in (schema.get("properties") or {}).items():
        names.add(f"{prefix}{key}")
        if isinstance(prop, Mapping) and schema_type(prop) == "object":
            names |= field_names(prop, f"{prefix}{key}.")
    return names


_TYPE_NAMES = {
    "integer": lazy_gettext("Enter a whole number."),
    "number": lazy_gettext("Enter a number."),
    "boolean": lazy_gettext("Tick or untick this box."),
    "array": lazy_gettext("Enter one entry per line."),
    "object": lazy_gettext("Fill in this section."),
}

_FORMATS = {
    "date": lazy_gettext("Enter a date (YYYY-MM-DD)."),
    "date-time": lazy_gettext("Enter a date and time."),
    "email": lazy_gettext("Enter a valid e-mail address."),
    "idn-email": lazy_gettext("Enter a valid e-mail address."),
    "time": lazy_gettext("Enter a time of day."),
    "uri": lazy_gettext("Enter a web address, such as https://example.com/page."),
    "iri": lazy_gettext("Enter a web address, such as https://example.com/page."),
    "uri-reference": lazy_gettext("Enter a web address or path."),
    "iri-reference": lazy_gettext("Enter a web address or path."),
    "hostname": lazy_gettext("Enter a host name, such as example.com."),
    "idn-hostname": lazy_gettext("Enter a host name, such as example.com."),
    "duration": lazy_gettext("Enter a duration, such as P3D (3 days) or PT24H (24 hours)."),
}


def _type_message(m: re.Match[str]) -> str:
    return str(_TYPE_NAMES.get(m.group(1), gettext("This value has the wrong type.")))


def _format_message(m: re.Match[str]) -> str:
    return str(_FORMATS.get(m.group(1), gettext("This value has the wrong format.")))


# jsonschema's English messages -> one short sentence for a person, in the page's language
_MESSAGES: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"is a required property$"), lambda m: gettext("This field is required.")),
    (re.compile(r"should be non-empty$"), lambda m: gettext("This field is required.")),
    (re.compile(r"is not one of "), lambda m: gettext("Choose one of the options.")),
    (
        re.compile(r"is less than or equal to the minimum of (\S+)$"),
        lambda m: gettext("Must be more than %(n)s.", n=m.group(1)),
    ),
    (re.compile(r"is less than the minimum of (\S+)$"), lambda m: gettext("Must be at least %(n)s.", n=m.group(1))),
    (
        re.compile(r"is greater than or equal to the maximum of (\S+)$"),
        lambda m: gettext("Must be less than %(n)s.", n=m.group(1)),
    ),
    (re.compile(r"is greater than the maximum of (\S+)$"), lambda m: gettext("Must be at most %(n)s.", n=m.group(1))),
    (re.compile(r"is too long$"), lambda m: gettext("This is too long.")),
    (re.compile(r"is too short$"), lambda m: gettext("This is too short.")),
    (re.compile(r"does not match "), lambda m: gettext("This value has the wrong format.")),
    (re.compile(r"is not of type '(\w+)'"), _type_message),
    (re.compile(r"is not a '([\w-]+)'$"), _format_message),
    (re.compile(r"^True was expected$"), lambda m: gettext("This box must be ticked.")),
    (re.compile(r"was expected$"), lambda m: gettext("This value is not allowed here.")),
    (re.compile(r"is in the future$"), lambda m: gettext("The date cannot be in the future.")),
    (re.compile(r"has non-unique elements$"), lambda m: gettext("Remove the duplicate entries.")),
    (re.compile(r"^Additional properties are not allowed"), lambda m: gettext("This field is not expected here.")),
    (re.compile(r"is a dependency of|depends on"), lambda m: gettext("This field does not fit the other answers.")),
]


def localize_detail(detail: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    """One error detail in the page's language: by its ``code`` when the service gave one."""
    code = detail.get("code")
    if code == "format":
        return str(_FORMATS.get(str(detail.get("format")), gettext("This value has the wrong format.")))
    when = detail.get("when")
    if code == "required_when" and isinstance(when, Mapping):
        return _required_when(when, schema)
    return localize_message(str(detail.get("message") or ""))


def _required_when(when: Mapping[str, Any], schema: Mapping[str, Any]) -> str:
    """“Required when “Accept the complaint?” is “Accept”.” with the form's labels."""
    lang = current_lang()
    node: Any = schema
    for part in str(when.get("field") or "").split("."):
        node = ((node.get("properties") or {}).get(part) if isinstance(node, Mapping) else None) or {}
    field = localized(node, lang, fallback=str(when.get("field") or ""))
    values = gettext(" or ").join(f"“{enum_label(node, v, lang)}”" for v in when.get("values") or [])
    if when.get("negate"):
        return gettext("Required when “%(field)s” is not %(values)s.", field=field, values=values)
    return gettext("Required when “%(field)s” is %(values)s.", field=field, values=values)


def localize_message(message: str) -> str:
    """A short, translated message for a jsonschema error; the original if it is not a known kind."""
    for pattern, render in _MESSAGES:
        match = pattern.search(message)
        if match:
            return render(match)
    return message

"""JSON Schema -> the fields a Jinja macro renders (``templates/_form.html``).

The schema files carry English ``title`` and Chinese ``x-title-zh``; enum labels come from
``x-enum-titles`` ``{value: {"en", "zh"}}``. Values and errors are keyed by dotted names
(``complainant.name``), the same names the browser posts back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext

from app.services.attachments import is_attachment_field
from app.web.presenters import DISPLAY_TZ

RADIO_MAX_OPTIONS = 4


@dataclass
class FormField:
    """One input (or a fieldset of inputs) as the template needs it."""

    name: str
    label: str
    widget: str  # text textarea number checkbox select radio date datetime email lines fieldset attachments
    required: bool = False
    html_required: bool = False
    read_only: bool = False
    description: str | None = None
    value: str = ""
    checked: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    children: list[FormField] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    @property
    def selected_label(self) -> str:
        return next((label for value, label in self.options if value == self.value), self.value)


def localized(node: Mapping[str, Any], lang: str, key: str = "title", fallback: str = "") -> str:
    """``x-<key>-zh`` in Chinese, else ``<key>``, else ``fallback``."""
    if lang == "zh" and node.get(f"x-{key}-zh"):
        return str(node[f"x-{key}-zh"])
    return str(node.get(key) or fallback)


def enum_label(node: Mapping[str, Any], value: Any, lang: str) -> str:
    titles = (node.get("x-enum-titles") or {}).get(str(value))
    if isinstance(titles, Mapping):
        return str(titles.get(lang) or titles.get("en") or value)
    return str(value)


def schema_type(node: Mapping[str, Any]) -> str:
    """The node's JSON type; ``["string", "null"]`` counts as ``string``."""
    kind = node.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind is None and "properties" in node:
        return "object"
    return str(kind or "string")


def build_fields(
    schema: Mapping[str, Any],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    lang: str,
    attachment_choices: Mapping[str, str] | None = None,
    user_choices: Sequence[tuple[str, str]] = (),
) -> list[FormField]:
    """The form's fields in schema order, filled with ``values`` and marked with ``errors``;
    attachment fields offer ``attachment_choices`` (id -> label: the case's files) to tick, person
    fields (``"format": "username"``) ``user_choices`` (user name, display name) to pick from."""
    return _fields(
        schema,
        values,
        errors,
        lang,
        prefix="",
        parent_required=True,
        choices=attachment_choices or {},
        users=user_choices,
    )


def _fields(
    node: Mapping[str, Any],
    values: Mapping[str, str],
    errors: Mapping[str, str],
    lang: str,
    *,
    prefix: str,
    parent_required: bool,
    choices: Mapping[str, str],
    users: Sequence[tuple[str, str]] = (),
) -> list[FormField]:
    required = set(node.get("required") or [])
    result = []
    for key, prop in (node.get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        name = f"{prefix}{key}"
        is_required = key in required
        item = FormField(
            name=name,
            label=localized(prop, lang, fallback=key.replace("_", " ").capitalize()),
            widget=_widget(prop),
            required=is_required,
            html_required=is_required and parent_required,
            read_only=bool(prop.get("readOnly")),
            description=_description(prop, lang),
            error=errors.get(name),
        )
        if item.widget == "fieldset":
            item.children = _fields(
                prop,
                values,
                errors,
                lang,
                prefix=f"{name}.",
                parent_required=item.html_required,
                choices=choices,
                users=users,
            )
        elif item.widget == "attachments":
            _offer_attachments(item, values.get(name), choices)
        else:
            _fill(item, prop, values.get(name), lang)
            if prop.get("format") == "username":  # a datalist of the active users to pick from
                item.attrs["list"] = f"{item.dom_id}-users"
                item.options = list(users)
        result.append(item)
    return result


def _description(prop: Mapping[str, Any], lang: str) -> str | None:
    """Help text in the page's language only (``x-description-zh`` for Chinese), else none."""
    key = "x-description-zh" if lang == "zh" else "description"
    return str(prop[key]) if prop.get(key) else None


def _widget(prop: Mapping[str, Any]) -> str:
    kind = schema_type(prop)
    explicit = prop.get("x-widget")
    if is_attachment_field(prop):
        return "attachments"
    if kind == "object":
        return "fieldset"
    if kind == "array":
        return "lines"
    if kind == "boolean":
        return "checkbox"
    if "enum" in prop:
        if explicit in ("radio", "select"):
            return str(explicit)
        return "radio" if len(prop["enum"]) <= RADIO_MAX_OPTIONS else "select"
    if kind in ("integer", "number"):
        return "number"
    if prop.get("format") == "date":
        return "date"
    if prop.get("format") == "date-time":
        return "datetime"
    if prop.get("format") == "email":
        return "email"
    return "textarea" if explicit == "textarea" else "text"


def _fill(item: FormField, prop: Mapping[str, Any], raw: str | None, lang: str) -> None:
    item.value = raw or ""
    item.checked = item.widget == "checkbox" and raw not in (None, "", "false", "off")
    if "enum" in prop:
        item.options = [(str(v), enum_label(prop, v, lang)) for v in prop["enum"]]
    attrs: dict[str, str] = {}
    if item.widget == "number":
        attrs["step"] = "1" if schema_type(prop) == "integer" else "any"
        for bound in ("minimum", "maximum"):
            if bound in prop:
                attrs[bound[:3]] = str(prop[bound])
    if "maxLength" in prop:
        attrs["maxlength"] = str(prop["maxLength"])
    if prop.get("x-placeholder"):
        attrs["placeholder"] = str(prop["x-placeholder"])
    if item.widget == "lines":
        attrs["placeholder"] = gettext("One entry per line")
    item.attrs = attrs


def _offer_attachments(item: FormField, raw: str | None, choices: Mapping[str, str]) -> None:
    """Every file of the case as a box to tick (the chosen ones ticked); a chosen id that is not
    the case's stays visible, so the refusal that follows names something the user sees."""
    item.value = raw or ""
    chosen = item.value.split()
    item.options = [(key, label) for key, label in choices.items()]
    item.options += [(key, f"#{key}") for key in chosen if key not in choices]
    item.attrs = {}


def display_values(schema: Mapping[str, Any], data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Stored values -> the strings the inputs show (the inverse of ``form_input.parse``)."""
    out: dict[str, str] = {}
    for key, prop in (schema.get("properties") or {}).items():
        if key not in data or data[key] is None or not isinstance(prop, Mapping):
            continue
        value, name = data[key], f"{prefix}{key}"
        kind = schema_type(prop)
        if kind == "object" and isinstance(value, Mapping):
            out.update(display_values(prop, value, f"{name}."))
        elif kind == "array" and isinstance(value, list):
            out[name] = "\n".join(str(v) for v in value)
        elif kind == "boolean":
            if value is True:
                out[name] = "on"
        elif prop.get("format") == "date-time" and isinstance(value, str):
            out[name] = _local_input_time(value)
        elif isinstance(value, float) and value.is_integer():
            out[name] = str(int(value))
        else:
            out[name] = str(value)
    return out


def _local_input_time(value: str) -> str:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(DISPLAY_TZ)
    return moment.strftime("%Y-%m-%dT%H:%M")

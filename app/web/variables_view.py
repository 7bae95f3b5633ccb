"""Instance variables for a person: labelled with the forms' titles, enum values translated."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext, lazy_gettext

from app.services.forms import VersionForms
from app.web.code_words import word_for
from app.web.forms_render import enum_label, localized
from app.web.presenters import group_name, local_time, yes_no

Schema = Mapping[str, Any]

# Names the process itself sets (docs/complaint_handling.md), not found in any form.
PROCESS_LABELS = {
    "registration_number": lazy_gettext("Registration number"),
    "registered_by": lazy_gettext("Registered by"),
    "reopen_count": lazy_gettext("Times reopened"),
    "severity": lazy_gettext("Severity level"),
    "level": lazy_gettext("Level"),
    "colour": lazy_gettext("Warning colour"),
    "grade": lazy_gettext("Suggested grade"),
    "reasons": lazy_gettext("Reasons"),
    "criterion": lazy_gettext("Criterion"),
    "responsible": lazy_gettext("Responsible"),
    "informed": lazy_gettext("Informed"),
    "suspected_extortion": lazy_gettext("Suspected extortion"),
    "routing": lazy_gettext("Routing"),
    "responsible_group": lazy_gettext("Responsible department"),
    "approval_level": lazy_gettext("Approval level"),
    "approver_group": lazy_gettext("Approver"),
    "limit": lazy_gettext("Authority limit (yuan)"),
    "outcome": lazy_gettext("Outcome"),
    "contacts": lazy_gettext("Contact log"),
    "at": lazy_gettext("Time"),
    "by": lazy_gettext("By"),
    "note": lazy_gettext("Note"),
    "sla": lazy_gettext("Time limits"),
    # results of the decision tables (processes/*.dmn)
    "handling_hours": lazy_gettext("Handling time limit (hours)"),
    "severity_reasons": lazy_gettext("Severity criteria met"),
    # the time limits (handlers/sla.sla_deadlines)
    "start": lazy_gettext("Handling clock started"),
    "contact_due": lazy_gettext("Contact due"),
    "contact_reminder": lazy_gettext("Contact reminder"),
    "first_reply_due": lazy_gettext("First reply due"),
    "first_reply_reminder": lazy_gettext("First reply reminder"),
    "site_visit_due": lazy_gettext("Site visit due"),
    "site_visit_reminder": lazy_gettext("Site visit reminder"),
    "handling_rule": lazy_gettext("Handling time limit"),
    "handling_due": lazy_gettext("Handling due"),
    "handling_reminder": lazy_gettext("Handling reminder"),
    "unresolved_due": lazy_gettext("Unresolved after a month on"),
    "unresolved_reminder": lazy_gettext("Unresolved reminder"),
}

# Values the process computes, as a person reads them.
PROCESS_VALUES = {
    "red": lazy_gettext("red"),
    "orange": lazy_gettext("orange"),
    "yellow": lazy_gettext("yellow"),
    "blue": lazy_gettext("blue"),
    "none": lazy_gettext("none"),
    "resolved": lazy_gettext("resolved"),
    "invalid": lazy_gettext("invalid complaint"),
    "closed_without_agreement": lazy_gettext("closed without agreement"),
}

# Times the process stores as ISO 8601 text ("2026-05-01T10:30:00+00:00") read as local times.
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$")

# Nested names that mean the same as a form field (the severity's suggested grade).
ALIASES = {"grade": "severity_grade"}


@dataclass
class VariableRow:
    label: str
    value: str = ""
    children: list[VariableRow] = field(default_factory=list)


def property_index(forms: VersionForms) -> dict[str, Schema]:
    """Field name -> its schema, from every form of the version (start forms first, first definition wins)."""
    form_keys = sorted(forms.form_keys(), key=lambda k: (not k.endswith(".start"), k))
    index: dict[str, Schema] = {}
    for form_key in form_keys:
        for key, prop in (forms.schema(form_key).get("properties") or {}).items():
            if isinstance(prop, Mapping):
                index.setdefault(key, prop)
    return index


def required_fields(forms: VersionForms) -> set[str]:
    """Field names some form requires (an unticked optional box is not worth a line; these are)."""
    return {key for form_key in forms.form_keys() for key in forms.schema(form_key).get("required") or []}


def describe_variables(
    variables: Mapping[str, Any],
    index: Mapping[str, Schema],
    lang: str,
    *,
    required: set[str] | frozenset[str] = frozenset(),
) -> list[VariableRow]:
    """Known fields first in form order, then the rest (computed by the process) by name."""
    shown = {k: v for k, v in variables.items() if v is not False or k in required}
    known = [k for k in index if k in shown]
    rest = sorted(k for k in shown if k not in index)
    rows = [_row(variables[k], index.get(k, {}), k, index, lang) for k in known + rest]
    return [row for row in rows if row.value or row.children]


def _row(value: Any, node: Schema, key: str, index: Mapping[str, Schema], lang: str) -> VariableRow:
    label = str(PROCESS_LABELS.get(key, key.replace("_", " ")))
    label = localized(node, lang, fallback=label)
    if isinstance(value, Mapping):
        props = node.get("properties") or {}
        children = [
            _row(v, props.get(k) or index.get(ALIASES.get(k, ""), {}), k, index, lang) for k, v in value.items()
        ]
        return VariableRow(label, children=[c for c in children if c.value or c.children])
    if value is None or value == "" or value == []:
        return VariableRow(label)
    if key.endswith("_group") and isinstance(value, str):
        return VariableRow(label, value=group_name(value))
    if isinstance(value, str) and value in PROCESS_VALUES and not node:
        return VariableRow(label, value=str(PROCESS_VALUES.get(value, value)))
    return VariableRow(label, value=display_value(value, node, lang))


def display_value(value: Any, node: Schema, lang: str) -> str:
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, list):
        return "; ".join(display_value(v, node.get("items") or {}, lang) for v in value)
    if isinstance(value, Mapping):
        return ", ".join(f"{PROCESS_LABELS.get(k, k)}: {display_value(v, {}, lang)}" for k, v in value.items())
    if "enum" in node or "x-enum-titles" in node:
        return enum_label(node, value, lang)
    if node.get("format") == "date-time" or (isinstance(value, str) and _ISO_TIME.match(value)):
        return local_time(str(value))
    if isinstance(value, str) and (words := word_for(value)):
        return words
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def key_facts(
    business_key: str | None, variables: Mapping[str, Any], index: Mapping[str, Schema], lang: str
) -> list[tuple[str, str]]:
    """What a handler must see first: registration number, complainant, what happened, severity."""
    facts = [(gettext("Registration number"), business_key or "—")]
    complainant = variables.get("complainant")
    if isinstance(complainant, Mapping):
        who = " ".join(str(complainant[k]) for k in ("name", "phone") if complainant.get(k))
        facts.append((localized(index.get("complainant", {}), lang, fallback=gettext("Complainant")), who))
    for key in ("channel", "customer_request", "claim_amount", "description"):
        if variables.get(key) not in (None, ""):
            node = index.get(key, {})
            facts.append((localized(node, lang, fallback=key), display_value(variables[key], node, lang)))
    severity = variables.get("severity")
    if isinstance(severity, Mapping) and severity.get("level"):
        facts.append((gettext("Severity level"), _severity_text(severity)))
    if variables.get("severity_grade"):
        node = index.get("severity_grade", {})
        label = localized(node, lang, fallback=gettext("Severity"))
        facts.append((label, enum_label(node, variables["severity_grade"], lang)))
    allowance = variables.get("transport_allowance_yuan")
    if isinstance(allowance, int) and allowance > 0:
        facts.append((gettext("Transport and lost-time allowance"), gettext("%(amount)s yuan", amount=allowance)))
    return facts


def _severity_text(severity: Mapping[str, Any]) -> str:
    colour = severity.get("colour")
    if colour in PROCESS_VALUES and colour != "none":
        return f"{severity['level']} ({PROCESS_VALUES[colour]})"
    return str(severity["level"])

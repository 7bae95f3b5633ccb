"""The complaint's severity level and contacts on the instance page, and the repeat-contact form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext, lazy_gettext

from app.errors import AppError, Invalid
from app.models import ProcessInstance
from app.services.complaints import CHANNELS
from app.services.complaints import COMPLAINT_PROCESS as COMPLAINT_PROCESS
from app.services.complaints import is_complaint as is_complaint
from app.services.forms import VersionForms
from app.web.forms_render import enum_label
from app.web.template_helpers import error_text

OPEN_STATUSES = ("running", "error", "suspended")

# domain.md §3: the warning colour of each level (E has none).
LEVEL_COLOURS = {"A": "red", "B": "orange", "C": "yellow", "D": "blue", "E": "none"}

CRITERIA = {
    "general_complaint": lazy_gettext("General complaint"),
    "secondary_complaint": lazy_gettext("Secondary complaint (the customer contacted us again)"),
    "contacted_3_or_more_times": lazy_gettext("The customer contacted us 3 or more times"),
    "claim_amount_10000_or_more": lazy_gettext("Claim of 10,000 yuan or more"),
    "forwarded_by_state_body": lazy_gettext("Forwarded by a state body"),
    "failed_inspection": lazy_gettext("Failed an official inspection"),
    "media_exposed": lazy_gettext("Exposed in the media"),
    "sued": lazy_gettext("Lawsuit filed"),
    "media_threat": lazy_gettext("Threatens to go to the media"),
    "legal_action": lazy_gettext("Threatens legal action"),
    "health_symptoms": lazy_gettext("Health symptoms"),
    "uncooperative": lazy_gettext("Customer uncooperative"),
    "distributor_batch_feedback": lazy_gettext("Batch feedback from distributors"),
    "written_liability_requested": lazy_gettext("Written admission of liability requested"),
    "recalled": lazy_gettext("Batch recalled"),
    # raised when complaints are linked as one batch (services/batch_complaints, rule 3.7)
    "batch_complaint": lazy_gettext("Batch complaint"),
    # raised by a missed time limit (handlers/sla.escalate_severity, from the diagram)
    "not_contacted_within_12h": lazy_gettext("The customer was not contacted within 12 hours"),
    "unresolved_one_month": lazy_gettext("Unresolved after a month"),
}


@dataclass
class Severity:
    level: str
    colour: str
    reasons: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return gettext("Level %(level)s", level=self.level)


@dataclass
class ContactPanel:
    """What the instance page shows about the customer's contacts, and whether it offers the form."""

    severity: Severity | None
    contact_count: int
    contacts: list[Mapping[str, Any]]
    may_record: bool
    channels: list[tuple[str, str]]
    error: str | None = None
    posted: Mapping[str, str] = field(default_factory=dict)

    @property
    def channel_names(self) -> dict[str, str]:
        return dict(self.channels)


def severity_of(variables: Mapping[str, Any]) -> Severity | None:
    value = variables.get("severity")
    if not isinstance(value, Mapping) or value.get("level") not in LEVEL_COLOURS:
        return None
    level = str(value["level"])
    reasons = [
        str(CRITERIA.get(str(r.get("criterion")), r.get("criterion")))
        for r in value.get("reasons") or []
        if isinstance(r, Mapping)
    ]
    return Severity(level, LEVEL_COLOURS[level], reasons)


def channel_options(forms: VersionForms, lang: str) -> list[tuple[str, str]]:
    """The intake form's channel names (value, label in the page's language)."""
    schema = forms.start_schema(COMPLAINT_PROCESS) or {}
    node = (schema.get("properties") or {}).get("channel", {})
    return [(c, enum_label(node, c, lang)) for c in CHANNELS]


def contact_panel(
    model: ProcessInstance,
    forms: VersionForms,
    lang: str,
    *,
    may_view: bool,
    error: str | None = None,
    posted: Mapping[str, str] | None = None,
) -> ContactPanel | None:
    if not is_complaint(model):
        return None
    variables = model.variables or {}
    contacts = [c for c in variables.get("contacts") or [] if isinstance(c, Mapping)]
    return ContactPanel(
        severity=severity_of(variables),
        contact_count=int(variables.get("contact_count") or 1),
        contacts=contacts,
        may_record=may_view and model.status in OPEN_STATUSES,
        channels=channel_options(forms, lang),
        error=error,
        posted=posted or {},
    )


def recorded_message(result: Mapping[str, Any], old_level: str | None) -> str:
    """The flash after a repeat contact: the new count and, if it rose, the new level."""
    count = result["contact_count"]
    level = (result.get("severity") or {}).get("level")
    if level and level != old_level:
        return gettext(
            "Repeat contact recorded: the customer has now contacted us %(n)s times. "
            "Severity raised to level %(level)s.",
            n=count,
            level=level,
        )
    return gettext("Repeat contact recorded: the customer has now contacted us %(n)s times.", n=count)


def contact_error_text(err: AppError) -> str:
    """Why a repeat contact was refused, naming the field when the input was wrong."""
    if isinstance(err, Invalid):
        fields = {d.get("field") for d in err.details or [] if isinstance(d, Mapping)}
        if "channel" in fields:
            return gettext("Choose how the customer contacted us.")
        if "note" in fields:
            return gettext("The note may be at most 2000 characters.")
    return error_text(err)

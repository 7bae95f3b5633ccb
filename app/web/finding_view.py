"""What the "My responsibility findings" page shows of each finding (rule 7.4)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext, lazy_gettext

from app.errors import AppError
from app.models import ResponsibilityFinding, User
from app.services import finding_appeals
from app.web.presenters import local_time
from app.web.template_helpers import error_text

FINDING_STATUSES = {
    "active": lazy_gettext("Counts"),
    "appealed": lazy_gettext("Appealed: the supervision group decides"),
    "upheld": lazy_gettext("Upheld after appeal"),
    "overturned": lazy_gettext("Overturned: does not count"),
}


def finding_rows(findings: list[ResponsibilityFinding], user: User) -> list[dict[str, Any]]:
    """One row per finding, in the reader's language."""
    return [
        {
            "id": f.id,
            "instance_id": f.instance_id,
            "number": f.registration_number or "—",
            "month": f.month,
            "store": f.store or "—",
            "finding": gettext("Valid complaint") if f.valid else gettext("Unreasonable complaint"),
            "patient": f.handled_patiently,
            "status": f.status,
            "status_text": str(FINDING_STATUSES.get(f.status, f.status)),
            "appeal_due": local_time(finding_appeals.appeal_due(f).isoformat()),
            "may_appeal": finding_appeals.may_appeal(user, f),
            "appeal_reason": f.appeal_reason,
            "decision_reason": f.decision_reason,
        }
        for f in findings
    ]


def appeal_error_text(err: AppError) -> str:
    """Why an appeal was refused, in words."""
    if err.code == "missing_reason":
        return gettext("Say why the finding is wrong.")
    if err.code == "appeal_window_closed":
        return gettext("The appeal window (10 working days) has closed.")
    if err.code == "finding_not_appealable":
        return gettext("This finding was already appealed.")
    return error_text(err)

"""What a page shows of the conflict-of-interest exclusions (回避) of a case or of one task:
who is excluded and why, in the page's language (the rule is ``services.conflicts``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from app.models import InstanceExclusion
from app.services import conflicts


@dataclass(frozen=True)
class Exclusion:
    username: str
    name: str
    reason: str  # the code, e.g. handled_original
    text: str  # e.g. "handled the original case R20261130-000001"


def reason_text(found: InstanceExclusion) -> str:
    params = {"case": "?", "decision": "?", **found.params}
    if found.reason == "took_decision":
        return _("took the decision appealed (%(decision)s)", decision=params["decision"])
    if found.reason == "registered_original":
        return _("registered the original case %(case)s", case=params["case"])
    return _("handled the original case %(case)s", case=params["case"])


def items(session: Session, instance_id: int, task_id: str | None = None) -> list[Exclusion]:
    """The people excluded from the case (or from one of its tasks), with the reason."""
    return [
        Exclusion(found.username, name, found.reason, reason_text(found))
        for found, name in conflicts.excluded_people(session, instance_id, task_id)
    ]

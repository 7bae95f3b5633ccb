"""Employees' responsibility findings and their appeal to the supervision and evaluation group
(domain.md §7 rule 7.4).

Who sees a finding: the employee it names, the ``supervision`` and ``hr`` groups, admins; anyone
else gets 404, as for an unknown id. Only the employee appeals, once, while the finding is
``active`` and within ``APPEAL_WORKING_DAYS`` working days of it (the business calendar): the
appeal starts a ``finding_appeal`` case (a task for the supervision group) and the finding becomes
``appealed``; the group's decision is applied at that case's save
(``responsibility.apply_appeal_decision``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.business_calendar import default_calendar
from app.clock import utcnow
from app.errors import Conflict, Forbidden, NotFound
from app.models import ResponsibilityFinding, User
from app.runtime import Runtime
from app.services import audit, instances
from app.services.responsibility import APPEAL_PROCESS_KEY

APPEAL_WORKING_DAYS = 10
OVERSIGHT_GROUPS = frozenset({"supervision", "hr"})
MAX_REASON = 4000


def oversees(user: User) -> bool:
    """Whether the user may see every employee's findings (supervision, HR, admins)."""
    return user.has_role("admin") or bool(OVERSIGHT_GROUPS & set(user.group_keys))


def get_visible(session: Session, user: User, finding_id: int) -> ResponsibilityFinding:
    """The finding, if the user may see it (404 otherwise, as for an unknown id)."""
    finding = session.get(ResponsibilityFinding, finding_id)
    if finding is None or not (finding.employee == user.username or oversees(user)):
        raise NotFound(f"no responsibility finding {finding_id}", code="unknown_finding")
    return finding


def list_for(session: Session, user: User, employee: str | None = None) -> list[ResponsibilityFinding]:
    """An employee's findings, newest first: the user's own, or (supervision, HR, admins) anyone's."""
    employee = employee or user.username
    if employee != user.username and not oversees(user):
        raise NotFound(f"no findings of {employee!r} for you", code="unknown_finding")
    return list(
        session.scalars(
            select(ResponsibilityFinding)
            .where(ResponsibilityFinding.employee == employee)
            .order_by(ResponsibilityFinding.created_at.desc(), ResponsibilityFinding.id.desc())
            .limit(500)
        )
    )


def appeal_due(finding: ResponsibilityFinding) -> datetime:
    """The last moment to appeal: ``APPEAL_WORKING_DAYS`` working days after the finding."""
    return default_calendar().add_working_days(finding.created_at, APPEAL_WORKING_DAYS)


def may_appeal(user: User, finding: ResponsibilityFinding) -> bool:
    return finding.employee == user.username and finding.status == "active" and utcnow() <= appeal_due(finding)


def appeal(rt: Runtime, session: Session, user: User, finding_id: int, reason: Any) -> ResponsibilityFinding:
    """The employee appeals the finding: 404 if unseen, 403 for anyone but its employee, 409 once
    appealed or decided or after the window, 422 without a reason; starts the appeal case."""
    finding = get_visible(session, user, finding_id)
    if finding.employee != user.username:
        raise Forbidden("only the employee a finding names may appeal it", code="not_your_finding")
    if finding.status != "active":
        raise Conflict(f"the finding is already {finding.status}", code="finding_not_appealable")
    due = appeal_due(finding)
    if utcnow() > due:
        raise Conflict(
            f"the appeal window closed on {due.isoformat()} ({APPEAL_WORKING_DAYS} working days)",
            code="appeal_window_closed",
        )
    text = instances.require_reason(reason, field="appeal_reason", limit=MAX_REASON)
    variables = {
        "finding_id": finding.id,
        "complaint_number": finding.registration_number or "",
        "employee": finding.employee,
        "appeal_reason": text,
    }
    case = instances.start(rt, session, APPEAL_PROCESS_KEY, variables, user.username, system=True)
    finding.status = "appealed"
    finding.appeal_reason = text
    finding.appealed_at = utcnow()
    finding.appeal_instance_id = case.id
    audit.record(
        session,
        "finding_appealed",
        instance_id=finding.instance_id,
        actor=user.username,
        detail={"finding_id": finding.id, "appeal_case": case.business_key},
    )
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("the finding was changed meanwhile; reload and try again", code="finding_changed") from None
    return finding


def finding_view(finding: ResponsibilityFinding, user: User) -> dict[str, Any]:
    """A finding as the API and the page show it."""
    return {
        "id": finding.id,
        "instance_id": finding.instance_id,
        "registration_number": finding.registration_number,
        "employee": finding.employee,
        "store": finding.store,
        "valid": finding.valid,
        "handled_patiently": finding.handled_patiently,
        "month": finding.month,
        "status": finding.status,
        "counts": finding.status != "overturned",
        "created_at": finding.created_at.isoformat(),
        "appeal_due": appeal_due(finding).isoformat(),
        "may_appeal": may_appeal(user, finding),
        "appeal_reason": finding.appeal_reason,
        "appealed_at": finding.appealed_at.isoformat() if finding.appealed_at else None,
        "appeal_instance_id": finding.appeal_instance_id,
        "decision_reason": finding.decision_reason,
        "decided_by": finding.decided_by,
        "decided_at": finding.decided_at.isoformat() if finding.decided_at else None,
    }

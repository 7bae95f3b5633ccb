"""Responsibility findings (domain.md §7): written when a complaint case is saved, read by the
monthly accountability and by the employee's own list.

The investigation (``forms/investigate.json``) records ``responsible_employee`` (an active
user), ``responsible_store``, ``complaint_finding`` (``valid`` 成立 / ``unreasonable``) and
``handled_patiently``. ``refresh`` (part of every save, after ``complaint_facts.refresh``) keeps
one ``ResponsibilityFinding`` per case that names an employee: a re-investigation changes it,
its month stays the month it was first recorded in (business time), and an appeal's state is
kept. A case whose investigation no longer names anyone loses its finding.

The decision of a ``finding_appeal`` case (rule 7.4, ``services/finding_appeals``) is applied at
its save too (``apply_appeal_decision``): the finding it was opened for becomes ``upheld`` or
``overturned``, with the reason and who decided; an overturned finding no longer names an
offender in the report facts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import clock, utcnow
from app.models import AuditEntry, ComplaintFact, ProcessInstance, ResponsibilityFinding

PROCESS_KEY = "complaint_handling"
APPEAL_PROCESS_KEY = "finding_appeal"
APPEAL_DECISIONS = ("upheld", "overturned")


def finding_values(variables: dict[str, Any]) -> dict[str, Any] | None:
    """The finding a case's variables record, or None when the investigation names no employee."""
    employee = variables.get("responsible_employee")
    if not isinstance(employee, str) or not employee:
        return None
    store = variables.get("responsible_store")
    return {
        "employee": employee[:64],
        "store": store[:200] if isinstance(store, str) and store else None,
        "valid": variables.get("complaint_finding") == "valid",
        "handled_patiently": variables.get("handled_patiently") is True,
    }


def refresh(session: Session, model: ProcessInstance) -> None:
    """Write, change or remove a complaint case's finding, or apply an appeal case's decision
    (part of every save)."""
    if model.process_key == APPEAL_PROCESS_KEY:
        apply_appeal_decision(session, model)
    elif model.process_key == PROCESS_KEY:
        _record_finding(session, model)


def _record_finding(session: Session, model: ProcessInstance) -> None:
    values = finding_values(model.variables or {})
    finding = session.scalar(select(ResponsibilityFinding).where(ResponsibilityFinding.instance_id == model.id))
    if values is None:
        if finding is not None:
            session.delete(finding)
        return
    if finding is None:
        now = utcnow()
        session.add(
            ResponsibilityFinding(
                instance_id=model.id,
                registration_number=model.business_key,
                month=now.astimezone(clock.business_tz).strftime("%Y-%m"),
                status="active",
                created_at=now,
                **values,
            )
        )
        return
    for column, value in values.items():
        if getattr(finding, column) != value:
            setattr(finding, column, value)
    if finding.status == "overturned":
        _clear_offender(session, model.id)


def apply_appeal_decision(session: Session, model: ProcessInstance) -> None:
    """The appeal case's decision on the finding it was opened for (once: while it is appealed)."""
    decision = (model.variables or {}).get("appeal_decision")
    if decision not in APPEAL_DECISIONS:
        return
    finding = session.scalar(
        select(ResponsibilityFinding).where(
            ResponsibilityFinding.appeal_instance_id == model.id, ResponsibilityFinding.status == "appealed"
        )
    )
    if finding is None:
        return
    reason = (model.variables or {}).get("decision_reason")
    finding.status = decision
    finding.decision_reason = reason if isinstance(reason, str) else None
    finding.decided_at = utcnow()
    finding.decided_by = session.scalar(
        select(AuditEntry.actor)
        .where(AuditEntry.instance_id == model.id, AuditEntry.type == "task_completed")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if decision == "overturned":
        _clear_offender(session, finding.instance_id)


def _clear_offender(session: Session, instance_id: int) -> None:
    fact = session.get(ComplaintFact, instance_id)
    if fact is not None and fact.responsible_employee is not None:
        fact.responsible_employee = None

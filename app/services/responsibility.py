"""Responsibility findings (domain.md §7): written when a complaint case is saved, read by the
monthly accountability and by the employee's own list.

The investigation (``forms/investigate.json``) records ``responsible_employee`` (an active
user), ``responsible_store``, ``complaint_finding`` (``valid`` 成立 / ``unreasonable``) and
``handled_patiently``. ``refresh`` (part of every save, after ``complaint_facts.refresh``) keeps
one ``ResponsibilityFinding`` per case that names an employee: a re-investigation changes it,
its month stays the month it was first recorded in (business time), and an appeal's state is
kept. A case whose investigation no longer names anyone loses its finding.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import clock, utcnow
from app.models import ProcessInstance, ResponsibilityFinding

PROCESS_KEY = "complaint_handling"


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
    """Write, change or remove the case's finding (complaint cases only; part of every save)."""
    if model.process_key != PROCESS_KEY:
        return
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

"""Everything the instance page and ``GET /process-instances/{id}`` show, in few queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Incident, ProcessInstance, TaskRecord, TimerRecord
from app.runtime import Runtime
from app.services import audit


@dataclass
class InstanceDetails:
    instance: ProcessInstance
    tasks: list[TaskRecord]
    timers: list[dict[str, Any]]
    history: list[AuditEntry]
    incidents: list[dict[str, Any]]


def describe(rt: Runtime, session: Session, model: ProcessInstance) -> InstanceDetails:
    tasks = list(
        session.scalars(
            select(TaskRecord)
            .where(TaskRecord.instance_id == model.id, TaskRecord.state == "ready")
            .order_by(TaskRecord.created_at)
        )
    )
    timers = [
        {"element_id": t.element_id, "name": t.name, "due_at": t.due_at, "interrupting": t.interrupting}
        for t in session.scalars(
            select(TimerRecord)
            .where(TimerRecord.instance_id == model.id, TimerRecord.status == "pending")
            .order_by(TimerRecord.due_at)
        )
    ]
    incidents = [
        {
            "id": i.id,
            "element_id": i.element_id,
            "message": i.message,
            "created_at": i.created_at.isoformat(),
            "resolved_at": i.resolved_at.isoformat() if i.resolved_at else None,
        }
        for i in session.scalars(select(Incident).where(Incident.instance_id == model.id).order_by(Incident.id))
    ]
    return InstanceDetails(model, tasks, timers, audit.history(session, model.id), incidents)

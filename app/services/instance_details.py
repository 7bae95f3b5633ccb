"""Everything the instance page and ``GET /process-instances/{id}`` show, in few queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.models import AuditEntry, Incident, ProcessInstance, TaskRecord, TimerRecord
from app.runtime import Runtime
from app.services import audit, batch_complaints, conflicts, crisis_links


@dataclass
class InstanceDetails:
    instance: ProcessInstance
    tasks: list[TaskRecord]
    timers: list[dict[str, Any]]
    history: list[AuditEntry]
    incidents: list[dict[str, Any]]
    # who is excluded for a conflict of interest, and why (rule 5.2)
    exclusions: list[dict[str, Any]] = field(default_factory=list)
    # the crises the case started, or the complaint it was started from (rules 3.6, 4.1)
    links: list[dict[str, Any]] = field(default_factory=list)
    # the batch a complaint is linked to (rule 3.7), None if none
    batch: dict[str, Any] | None = None


def open_tasks(instance_id: int) -> Select[tuple[TaskRecord]]:
    """The instance's ready tasks, oldest first: one range of ix_task_instance_state_created."""
    return (
        select(TaskRecord)
        .where(TaskRecord.instance_id == instance_id, TaskRecord.state == "ready")
        .order_by(TaskRecord.created_at)
    )


def pending_timers(instance_id: int) -> Select[tuple[TimerRecord]]:
    """The instance's waiting timers, soonest first: one range of ix_timer_instance_status_due."""
    return (
        select(TimerRecord)
        .where(TimerRecord.instance_id == instance_id, TimerRecord.status == "pending")
        .order_by(TimerRecord.due_at)
    )


def describe(rt: Runtime, session: Session, model: ProcessInstance) -> InstanceDetails:
    tasks = list(session.scalars(open_tasks(model.id)))
    timers = [
        {"element_id": t.element_id, "name": t.name, "due_at": t.due_at, "interrupting": t.interrupting}
        for t in session.scalars(pending_timers(model.id))
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
    exclusions = [
        {"username": e.username, "name": name, "reason": e.reason, "text": conflicts.reason_text(e), "params": e.params}
        for e, name in conflicts.excluded_people(session, model.id)
    ]
    links = [case.as_dict() for case in crisis_links.linked_cases(session, model.id)]
    batch = batch_complaints.batch_of(session, model.id) if model.process_key == "complaint_handling" else None
    return InstanceDetails(model, tasks, timers, audit.history(session, model.id), incidents, exclusions, links, batch)

"""What the case page's diagram shows: element states from the engine, and what the instance's
rows add (who holds an active task, when a timer is due, an open incident's message); and one
element's history from the audit table.

One case at a time: the instance is loaded once; its task, timer and incident rows are the
bounded, index-backed reads the instance page already makes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from app.engine import instance_diagram
from app.models import AuditEntry, Incident, ProcessInstance
from app.runtime import Runtime
from app.services import instances
from app.services.instance_details import open_tasks, pending_timers

HISTORY_LIMIT = 200  # entries of one element, newest first (a loop that ran longer shows its latest)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def diagram(rt: Runtime, session: Session, model: ProcessInstance) -> dict[str, Any]:
    """``GET /process-instances/{id}/diagram`` without ``xml_url``: version, element states with
    their overlays (``tasks``, ``timers``, ``incidents``), flows taken and open incidents."""
    d = model.definition
    state = instance_diagram(instances.load(rt, model), d.id, d.content_hash, lambda: d.xml)
    elements: dict[str, dict[str, Any]] = {
        element: {"state": e.state, "count": e.count} for element, e in state.elements.items()
    }
    for task in session.scalars(open_tasks(model.id)):
        entry = elements.setdefault(task.element_id, {"state": "active", "count": 1})
        entry.setdefault("tasks", []).append(
            {
                "id": task.id,
                "name": task.name,
                "assignee": task.assignee,
                "candidate_groups": list(task.candidate_groups or []),
                "due_at": _iso(task.due_at),
            }
        )
    for timer in session.scalars(pending_timers(model.id)):
        entry = elements.setdefault(timer.element_id, {"state": "waiting", "count": 1})
        entry.setdefault("timers", []).append(
            {"name": timer.name, "due_at": _iso(timer.due_at), "interrupting": timer.interrupting}
        )
    incidents = []
    for incident in session.scalars(
        select(Incident).where(Incident.instance_id == model.id, Incident.resolved_at.is_(None)).order_by(Incident.id)
    ):
        view = {
            "id": incident.id,
            "element_id": incident.element_id,
            "message": incident.message,
            "created_at": _iso(incident.created_at),
        }
        incidents.append(view)
        if incident.element_id:
            entry = elements.setdefault(incident.element_id, {"state": "failed", "count": 1})
            entry["state"] = "failed"  # the step that raised may have been rolled back to completed
            entry.setdefault("incidents", []).append(view)
    return {
        "instance_id": model.id,
        "process_key": model.process_key,
        "version": model.version,
        "status": model.status,
        "elements": elements,
        "flows_taken": state.flows_taken,
        "incidents": incidents,
        "calls": called_processes(model, state.calls),
    }


def called_processes(model: ProcessInstance, calls: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per call activity the process it calls and, for a process of another diagram, the version
    the instance runs (``called_versions``; None: a process of the instance's own diagram)."""
    bound = model.called_versions or {}
    return {element: {"process_key": key, "version": bound.get(key)} for element, key in sorted(calls.items())}


def element_history_query(instance_id: int, element_id: str) -> Select[tuple[AuditEntry]]:
    """One element's entries, newest first: the instance's range of ix_audit_instance_id walked
    backwards, stopping after HISTORY_LIMIT."""
    return (
        select(AuditEntry)
        .where(AuditEntry.instance_id == instance_id, AuditEntry.element_id == element_id)
        .order_by(AuditEntry.instance_id.desc(), AuditEntry.id.desc())
        .limit(HISTORY_LIMIT)
    )


def element_history(session: Session, model: ProcessInstance, element_id: str) -> list[AuditEntry]:
    """The instance's history entries about one element, newest first (at most HISTORY_LIMIT)."""
    return list(session.scalars(element_history_query(model.id, element_id)))

"""JSON shapes of the contract (``shared/api-contract.md``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.models import AuditEntry, Notification, ProcessDefinition, ProcessInstance, TaskRecord
from app.services.instance_lists import InstanceRow


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def definition_view(d: ProcessDefinition, *, full: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"key": d.key, "version": d.version, "name": d.name, "note": d.note}
    if full:
        out["deployed_at"] = iso(d.deployed_at)
        out["deployed_by"] = d.deployed_by
        out["called_versions"] = d.called_versions or {}
    return out


def task_view(t: TaskRecord) -> dict[str, Any]:
    return {
        "id": t.id,
        "instance_id": t.instance_id,
        "process_key": t.process_key,
        "element_id": t.element_id,
        "name": t.name,
        "lane": t.lane,
        "candidate_groups": list(t.candidate_groups or []),
        "assignee": t.assignee,
        "due_at": iso(t.due_at),
        "due_rule": t.due_rule,
        "due_rule_name": t.due_rule_name,
        "created_at": iso(t.created_at),
        "state": t.state,
        "form_key": t.form_key,
    }


def instance_summary(m: ProcessInstance | InstanceRow) -> dict[str, Any]:
    return {
        "id": m.id,
        "process_key": m.process_key,
        "version": m.version,
        "status": m.status,
        "business_key": m.business_key,
        "created_at": iso(m.created_at),
        "updated_at": iso(m.updated_at),
        "ended_at": iso(m.ended_at),
        "started_by": m.started_by,
        "severity_level": m.severity_level,
        "customer_name": m.customer_name,
        "customer_phone": m.customer_phone,
    }


def history_view(e: AuditEntry) -> dict[str, Any]:
    return {"at": iso(e.at), "type": e.type, "element_id": e.element_id, "actor": e.actor, "detail": e.detail}


def timer_view(t: dict[str, Any]) -> dict[str, Any]:
    return {
        "element_id": t["element_id"],
        "name": t["name"],
        "due_at": iso(t["due_at"]),
        "interrupting": t["interrupting"],
    }


def instance_view(
    m: ProcessInstance,
    tasks: list[TaskRecord],
    timers: list[dict[str, Any]],
    history: list[AuditEntry],
    incidents: list[dict[str, Any]],
    exclusions: list[dict[str, Any]] | None = None,
    links: list[dict[str, Any]] | None = None,
    batch: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        **instance_summary(m),
        "variables": m.variables or {},
        "called_versions": m.called_versions or {},
        "tasks": [task_view(t) for t in tasks],
        "timers": [timer_view(t) for t in timers],
        "history": [history_view(e) for e in history],
        "incidents": incidents,
        "exclusions": exclusions or [],
        "links": links or [],
        "batch": batch,
    }


def notification_view(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "instance_id": n.instance_id,
        "element_id": n.element_id,
        "task_id": n.task_id,
        "kind": n.kind,
        "code": n.code,
        "params": n.params or {},
        "title": n.title,
        "message": n.message,
        "created_at": iso(n.created_at),
        "read_at": iso(n.read_at),
    }

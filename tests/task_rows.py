"""Task rows written straight into the task table (SQLAlchemy Core), for the list and plan tests:
the inbox reads only ``tasks`` and ``task_candidate_groups``, so no engine is needed to fill it.
The rows keep the product's invariants: candidate-group rows for ready tasks only, and one
``instance_groups`` row per (instance, group) that has (had) a task."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from app.clock import utcnow
from app.models import InstanceGroup, ProcessDefinition, ProcessInstance, TaskCandidateGroup, TaskRecord
from app.runtime import Runtime


@dataclass
class Spec:
    """One task: its groups, assignee, state and times (minutes from a base moment)."""

    groups: list[str]
    assignee: str | None = None
    state: str = "ready"
    created: int = 0
    due: int | None = None
    instance: int = 0
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    completed_by: str | None = None
    element: str = "first"


def instances(rt: Runtime, n: int, *, started_by: str = "agent") -> list[int]:
    """``n`` bare instance rows of a deployed definition (no engine state)."""
    return instance_rows(rt, [{"started_by": started_by}] * n)


def instance_rows(rt: Runtime, columns: list[dict[str, Any]]) -> list[int]:
    """One bare instance row (no engine state) of a deployed definition (``complaint_handling``
    when deployed: the rows stand for complaints) per dict, which may set any column
    (``process_key``, ``status``, ``started_by`` ...); their ids, in insert order."""
    with rt.sessions() as s:
        first = select(ProcessDefinition).order_by(ProcessDefinition.key != "complaint_handling", ProcessDefinition.id)
        definition = s.scalars(first.limit(1)).one()
        now = utcnow()
        rows = [
            {
                "definition_id": definition.id,
                "process_key": definition.key,
                "version": definition.version,
                "business_key": f"BK-{uuid.uuid4().hex[:10]}",
                "status": "running",
                "state_json": "",
                "variables": {},
                "started_by": "agent",
                "created_at": now,
                "updated_at": now,
                "lock_version": 1,
                **row,
            }
            for row in columns
        ]
        ids = list(s.scalars(insert(ProcessInstance).returning(ProcessInstance.id, sort_by_parameter_order=True), rows))
        s.commit()
    return ids


def write(rt: Runtime, instance_ids: list[int], specs: list[Spec], base: datetime | None = None) -> None:
    """Insert the tasks, their candidate-group rows and the instances' groups in bulk statements."""
    base = base or utcnow()
    tasks: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    had: set[tuple[int, str]] = set()
    for spec in specs:
        instance_id = instance_ids[spec.instance % len(instance_ids)]
        tasks.append(
            {
                "id": spec.id,
                "instance_id": instance_id,
                "process_key": "flow",
                "element_id": spec.element,
                "name": "First",
                "lane": None,
                "candidate_groups": spec.groups,
                "assignee": spec.assignee,
                "form_key": None,
                "state": spec.state,
                "created_at": base + timedelta(minutes=spec.created),
                "due_at": None if spec.due is None else base + timedelta(minutes=spec.due),
                "completed_at": None,
                "completed_by": spec.completed_by,
            }
        )
        if spec.state == "ready":
            keys = {"created_at": tasks[-1]["created_at"], "due_at": tasks[-1]["due_at"], "assignee": spec.assignee}
            groups.extend({"task_id": spec.id, "group_key": g, **keys} for g in spec.groups)
        had.update((instance_id, g) for g in spec.groups)
    with rt.sessions() as s:
        s.execute(insert(TaskRecord), tasks)
        if groups:
            s.execute(insert(TaskCandidateGroup), groups)
        known = set(s.execute(select(InstanceGroup.instance_id, InstanceGroup.group_key)).tuples())
        fresh = [{"instance_id": i, "group_key": g} for i, g in sorted(had - known)]
        if fresh:
            s.execute(insert(InstanceGroup), fresh)
        s.commit()

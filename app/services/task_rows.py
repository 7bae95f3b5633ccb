"""The task table kept in step with the engine: rows for the ready user tasks, their candidate
groups while they are open, and which groups an instance has (had) tasks for."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.engine import Instance
from app.models import InstanceGroup, ProcessInstance, TaskCandidateGroup, TaskRecord
from app.services import audit, conflicts, notifications, process_rights
from app.services.timers import Deadline


def close_task(session: Session, row: TaskRecord, state: str, by: str | None = None) -> None:
    """Take a task out of the inbox: its state, when and by whom, and its candidate-group rows
    (the inbox's lookup holds open tasks only)."""
    row.state = state
    row.completed_at = row.completed_at or utcnow()
    if by is not None:
        row.completed_by = by
    session.execute(delete(TaskCandidateGroup).where(TaskCandidateGroup.task_id == row.id))


def _set_due(session: Session, row: TaskRecord, deadline: Deadline | None) -> None:
    """A task's deadline changed (a timer was added or moved): its group rows follow."""
    due_at = deadline.due_at if deadline is not None else None
    row.due_rule = deadline.rule if deadline is not None else None
    row.due_rule_name = deadline.name if deadline is not None else None
    if row.due_at == due_at:
        return
    row.due_at = due_at
    session.execute(update(TaskCandidateGroup).where(TaskCandidateGroup.task_id == row.id).values(due_at=due_at))


def set_assignee(session: Session, task_id: str, assignee: str | None) -> None:
    """A task was claimed, given back or reassigned: its group rows follow (the groups' inboxes
    list unclaimed tasks from these rows alone)."""
    session.execute(update(TaskCandidateGroup).where(TaskCandidateGroup.task_id == task_id).values(assignee=assignee))


def record_groups(session: Session, instance_id: int, group_keys: set[str]) -> None:
    """Remember that these groups have a task on the instance (one statement; rows already
    there are left alone)."""
    if not group_keys:
        return
    rows = [{"instance_id": instance_id, "group_key": g} for g in sorted(group_keys)]
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    session.execute(dialect.insert(InstanceGroup).values(rows).on_conflict_do_nothing())


def sync_tasks(
    session: Session,
    model: ProcessInstance,
    inst: Instance,
    due: dict[str, Deadline] | None = None,
    *,
    actor: str | None = None,
) -> None:
    """Make the task table match the engine's ready user tasks (their deadlines, keyed by task or
    enclosing subprocess: the earliest applies, and their instructions); the people a new task reaches are notified (not
    ``actor``, whose step made it)."""
    due = due or {}
    open_rows = {
        r.id: r
        for r in session.scalars(
            select(TaskRecord).where(TaskRecord.instance_id == model.id, TaskRecord.state == "ready")
        )
    }
    # a held (suspended) case keeps its open rows: they show, marked, until it is resumed
    views = inst.ready_user_tasks() if model.status in ("running", "error", "suspended") else []
    ready_ids = {v.id for v in views}
    for row in open_rows.values():
        if row.id not in ready_ids:
            close_task(session, row, "completed" if inst.task_state(row.id) == "completed" else "cancelled")
    now = utcnow()
    new_groups: set[str] = set()
    if any(v.conflict_free and v.id not in open_rows for v in views):
        conflicts.refresh(session, model)
    for view in views:
        # the earliest limit that applies: the task's own timers and those of the subprocesses around it
        limits = [due[k] for k in (view.id, *view.enclosing) if k in due]
        deadline = min(limits, key=lambda d: d.due_at) if limits else None
        due_at = deadline.due_at if deadline is not None else None
        if view.id in open_rows:
            _set_due(session, open_rows[view.id], deadline)
            continue
        assignee = process_rights.permitted_assignee(session, view.assignee, view.candidate_groups)
        if view.conflict_free and conflicts.excluded_from_case(session, model.id, assignee):
            assignee = None
        if assignee != view.assignee:  # e.g. registered_by is not in the task's groups: leave it to them
            audit.record(
                session,
                "assignee_refused",
                instance_id=model.id,
                actor=None,
                element_id=view.element_id,
                detail={"task_id": view.id, "assignee": view.assignee, "candidate_groups": view.candidate_groups},
            )
        row = TaskRecord(
            id=view.id,
            instance_id=model.id,
            process_key=model.process_key,
            element_id=view.element_id,
            name=view.name,
            lane=view.lane,
            candidate_groups=view.candidate_groups,
            assignee=assignee,
            form_key=view.form_key,
            state="ready",
            created_at=now,
            due_at=due_at,
            due_rule=deadline.rule if deadline is not None else None,
            due_rule_name=deadline.name if deadline is not None else None,
            instructions=view.instructions or "",
        )
        row.groups = [
            TaskCandidateGroup(task_id=view.id, group_key=g, created_at=now, due_at=due_at, assignee=assignee)
            for g in view.candidate_groups
        ]
        new_groups.update(view.candidate_groups)
        session.add(row)
        if view.conflict_free:
            conflicts.exclude_from_task(session, row)
        audit.record(
            session,
            "task_created",
            instance_id=model.id,
            actor=None,
            element_id=view.element_id,
            detail={"task_id": view.id, "candidate_groups": view.candidate_groups, "assignee": assignee},
        )
        notifications.task_ready(session, model, row, actor=actor)
    record_groups(session, model.id, new_groups)

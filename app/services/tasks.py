"""The inbox: listing, claiming and completing user tasks."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.engine import TaskNotReady
from app.errors import Conflict, Forbidden, NotFound
from app.models import ProcessInstance, TaskRecord, User
from app.runtime import Runtime
from app.services import (
    attachments,
    audit,
    confidential,
    conflicts,
    decision_context,
    instances,
    notifications,
    task_lists,
    task_rows,
    user_fields,
)

SCOPES = ("mine", "group", "all")


def may_act(user: User, row: TaskRecord) -> bool:
    """Admins, the assignee, or (while unassigned) a member of a candidate group."""
    if user.has_role("admin") or row.assignee == user.username:
        return True
    return row.assignee is None and bool(set(row.candidate_groups or []) & set(user.group_keys))


def concerns(user: User, row: TaskRecord) -> bool:
    """Whether the task is any of the user's business: admins, its assignee, members of its
    candidate groups. Anyone else learns nothing about it (not its state, not who holds it)."""
    if user.has_role("admin") or row.assignee == user.username:
        return True
    return bool(set(row.candidate_groups or []) & set(user.group_keys))


def inbox(session: Session, user: User, *, scope: str = "group", instance_id: int | None = None) -> list[TaskRecord]:
    """Ready tasks the user may see: ``mine`` assigned to them, ``group`` plus their groups' open
    tasks (the default), ``all`` every ready task (admins) or every task of their groups. Every
    one of them, oldest first: callers that show a list use ``task_lists.page`` instead."""
    return list(session.scalars(task_lists.ready_tasks(user, scope=scope, instance_id=instance_id)))


def get(session: Session, task_id: str) -> TaskRecord:
    row = session.get(TaskRecord, task_id)
    if row is None:
        raise NotFound(f"no task {task_id}", code="unknown_task")
    return row


def get_visible(session: Session, user: User, task_id: str) -> TaskRecord:
    """The task, if it concerns the user (403 otherwise; a task of a confidential case answers
    404, as for an unknown id). A read of a confidential case's task is recorded."""
    row = get(session, task_id)
    model = instances.get(session, row.instance_id, with_state=False)
    _hide_if_confidential(user, row, model)
    if not concerns(user, row):
        raise Forbidden("this task belongs to another group", code="not_your_task")
    confidential.record_read(session, user, model, "task")
    return row


def _hide_if_confidential(user: User, row: TaskRecord, model: ProcessInstance) -> None:
    """A task of a confidential case that is none of the user's business: 404, as for an
    unknown id, so that nobody learns the case exists (rule 6.1)."""
    if model.confidential and not concerns(user, row):
        raise NotFound(f"no task {row.id}", code="unknown_task")


def _require_ready(row: TaskRecord) -> None:
    if row.state != "ready":
        raise Conflict(f"the task is no longer ready (it is {row.state})", code="task_not_ready")


def claim(session: Session, user: User, task_id: str) -> TaskRecord:
    """Take an unassigned task (403 unless it concerns the user; 409 if someone holds it)."""
    row = get_visible(session, user, task_id)
    _require_ready(row)
    if row.assignee == user.username:
        return row
    if row.assignee is not None:
        raise Conflict(f"the task is already claimed by {row.assignee}", code="task_claimed")
    if not may_act(user, row):
        raise Forbidden("you are not in a candidate group of this task", code="not_your_task")
    conflicts.refuse_excluded(session, row, user.username)
    return reassign(session, row, user.username, actor=user.username, event="task_claimed")


def unclaim(session: Session, user: User, task_id: str) -> TaskRecord:
    """Give a task back to its groups: its assignee or an admin (403 unless it concerns the user;
    409 for a group member while a colleague holds it)."""
    row = get_visible(session, user, task_id)
    _require_ready(row)
    if row.assignee is None:
        return row
    if row.assignee != user.username and not user.has_role("admin"):
        raise Conflict(f"the task is claimed by {row.assignee}", code="task_claimed")
    return reassign(session, row, None, actor=user.username, event="task_unclaimed")


def reassign(
    session: Session,
    row: TaskRecord,
    assignee: str | None,
    *,
    actor: str,
    event: str,
    detail: dict[str, Any] | None = None,
) -> TaskRecord:
    """Change the assignee only if nobody changed it since we read it (one winner, the rest 409)."""
    seen = TaskRecord.assignee.is_(None) if row.assignee is None else TaskRecord.assignee == row.assignee
    changed = session.execute(
        update(TaskRecord)
        .where(TaskRecord.id == row.id, seen, TaskRecord.state == "ready")
        .values(assignee=assignee)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("the task was claimed or completed concurrently", code="task_claimed")
    task_rows.set_assignee(session, row.id, assignee)
    session.refresh(row)
    audit.record(
        session,
        event,
        instance_id=row.instance_id,
        actor=actor,
        element_id=row.element_id,
        detail={"task_id": row.id, **(detail or {})},
    )
    notifications.task_assigned(session, row, actor=actor)
    return row


def complete(rt: Runtime, session: Session, user: User, task_id: str, data: dict[str, Any]) -> ProcessInstance:
    """Validate the form data, complete the engine task and run to the next wait."""
    row = get(session, task_id)
    model = instances.get(session, row.instance_id)
    if not may_act(user, row):
        _hide_if_confidential(user, row, model)
        raise Forbidden("this task is not yours to complete", code="not_your_task")
    conflicts.refuse_excluded(session, row, user.username)
    _require_ready(row)
    if model.status == "suspended":
        raise Conflict("the instance is suspended", code="instance_suspended")
    forms = rt.forms.of(session, model.definition)  # the instance's version's form
    schema = forms.schema(row.form_key)
    data = with_read_only_values(schema, data, model.variables or {})
    forms.validate(row.form_key, data)
    attachments.check_form_fields(session, schema, data, instance_id=model.id, actor=user.username)
    user_fields.check_form_fields(session, schema, data)
    inst = instances.load(rt, model)
    try:
        inst.complete_task(task_id, data)
    except TaskNotReady:
        raise Conflict("the task is no longer ready", code="task_not_ready") from None
    task_rows.close_task(session, row, "completed", by=user.username)
    audit.record(
        session,
        "task_completed",
        instance_id=model.id,
        actor=user.username,
        element_id=row.element_id,
        detail={"task_id": row.id, "name": row.name, "data": data},
    )
    instances.save(rt, session, model, inst, inst.run_steps(), user.username)
    return model


def with_read_only_values(schema: dict[str, Any], data: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    """Read-only fields always carry the stored value, whatever the client sent."""
    read_only = [k for k, p in (schema.get("properties") or {}).items() if isinstance(p, dict) and p.get("readOnly")]
    fixed = {k: variables[k] for k in read_only if variables.get(k) is not None}
    return {**data, **fixed}


def prefill(
    row: TaskRecord, schema: dict[str, Any], variables: dict[str, Any], earlier: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Current values for the form's fields: a field of the same name from the instance variables,
    else from the case's earlier submissions (``earlier``: a subprocess's data is not in the
    variables until it ends; a proposal being reworked). A form says ``"x-prefill": false`` (on
    itself or on a field) for what must be entered afresh, e.g. an approval's decision."""
    if schema.get("x-prefill") is False:
        return {}
    earlier = earlier or {}
    values = {}
    for key, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, Mapping) and prop.get("x-prefill") is False:
            continue
        if variables.get(key) is not None:
            values[key] = variables[key]
        elif earlier.get(key) is not None:
            values[key] = earlier[key]
    return values


def prefill_for(session: Session, row: TaskRecord, schema: dict[str, Any], variables: dict[str, Any]) -> dict[str, Any]:
    """``prefill`` with the case's earlier submissions read from its history (bounded)."""
    return prefill(row, schema, variables, decision_context.submitted_values(session, row.instance_id))

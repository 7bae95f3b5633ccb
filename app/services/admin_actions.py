"""What an admin does to a case: reassign a task, edit variables under the optimistic lock,
terminate with a reason. Each is audited with the actor, the time and the reason.

Firing a timer now is ``timer_firing.fire_now`` (the scheduler's own path); suspend, resume
and retry are ``instances``. Who may hold a task is ``process_rights.permitted_assignee``, the
rule the engine's computed assignees already follow.
"""

from __future__ import annotations

import json
import keyword
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine import RESERVED_NAMES, StepResult
from app.errors import Conflict, Invalid, PreconditionRequired
from app.models import Group, ProcessInstance, TaskRecord, User
from app.runtime import Runtime
from app.services import audit, conflicts, instances, process_rights, tasks
from app.services.forms import validate_against
from app.services.instances import require_reason

MAX_CANDIDATES = 200  # the reassign select offers at most this many people
VARIABLE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,99}")
# the case's identity: written once at start, and the business key on the instance row follows it
FIXED_VARIABLES = frozenset({instances.BUSINESS_KEY_VARIABLE})


# --- reassigning a task ----------------------------------------------------------------------
def _may_hold(session: Session, row: TaskRecord, user: User | None) -> bool:
    if user is None or not user.active:
        return False
    return process_rights.permitted_assignee(session, user.username, list(row.candidate_groups or [])) is not None


def people_who_may_act(session: Session, row: TaskRecord) -> list[User]:
    """Active people who may hold the task (members of its candidate groups; any active user
    when it has none; never a person excluded from it), by user name, at most ``MAX_CANDIDATES``."""
    stmt = (
        select(User)
        .where(User.active.is_(True), conflicts.not_excluded(row.id, User.username))
        .order_by(User.username)
        .limit(MAX_CANDIDATES)
    )
    if row.candidate_groups:
        stmt = stmt.where(User.groups.any(Group.key.in_(list(row.candidate_groups))))
    return list(session.scalars(stmt))


def assign(session: Session, actor: str, task_id: str, username: Any, reason: Any) -> TaskRecord:
    """Give a ready task to ``username`` (403 with the reason when that person is excluded from
    it, 422 naming ``username`` unless they may act on it; 409 if the task is no longer ready or
    its holder changed meanwhile)."""
    reason = require_reason(reason)
    row = tasks.get(session, task_id)
    if row.state != "ready":
        raise Conflict(f"the task is no longer ready (it is {row.state})", code="task_not_ready")
    target = session.scalar(select(User).where(User.username == username)) if isinstance(username, str) else None
    conflicts.refuse_excluded(session, row, target.username if target is not None else None)
    if not _may_hold(session, row, target):
        groups = ", ".join(row.candidate_groups or []) or "-"
        raise Invalid(
            f"{username!r} may not act on this task (it is for the groups {groups})",
            code="not_a_candidate",
            details=[{"field": "username", "message": "unknown, inactive or not in the task's candidate groups"}],
        )
    assert target is not None
    before = row.assignee
    tasks.reassign(
        session,
        row,
        target.username,
        actor=actor,
        event="task_assigned",
        detail={"from": before, "to": target.username, "reason": reason},
    )
    return row


# --- editing variables -----------------------------------------------------------------------
def etag(model: ProcessInstance) -> str:
    """The instance's entity tag: it changes whenever the instance row does."""
    return f'"{model.id}-{model.lock_version}"'


def version_from_if_match(model: ProcessInstance, header: str | None) -> int:
    """The lock version an ``If-Match`` header names (428 without one; 409 if it names another
    version of this instance, or something that is not one of its tags)."""
    if header is None or not header.strip():
        raise PreconditionRequired(
            "send If-Match with the ETag of GET /process-instances/{id}",
            code="if_match_required",
            details=[{"field": "If-Match", "message": "required"}],
        )
    for tag in (t.strip() for t in header.split(",")):
        match = re.fullmatch(r'(?:W/)?"(\d+)-(\d+)"', tag)
        if match and int(match.group(1)) == model.id and len(match.group(2)) <= 18:
            return int(match.group(2))
    raise Conflict(
        "the instance changed since you read it (If-Match names another version); reload and try again",
        code="instance_changed",
        details=[{"field": "If-Match", "message": f"current is {etag(model)}"}],
    )


def _check_names(changes: dict[str, Any]) -> None:
    bad = []
    for name, value in changes.items():
        if not VARIABLE_NAME.fullmatch(name) or keyword.iskeyword(name):
            bad.append({"field": name, "message": "a name starts with a letter, then letters, digits or _"})
        elif name in RESERVED_NAMES:
            bad.append({"field": name, "message": "reserved: diagram code uses this name"})
        elif name in FIXED_VARIABLES:
            bad.append({"field": name, "message": "fixed when the case is registered"})
        else:
            try:
                json.dumps(value, allow_nan=False)
            except (TypeError, ValueError):
                bad.append({"field": name, "message": "not a JSON value"})
    if bad:
        raise Invalid("some variables cannot be set", code="invalid_variables", details=bad)


def _check_intake_facts(rt: Runtime, session: Session, model: ProcessInstance, changes: dict[str, Any]) -> None:
    """Complaint facts keep the intake form's schema: the record as it would be after the edit
    is validated like a new intake (422 naming each field), against the instance's version's form."""
    schema = rt.forms.of(session, model.definition).start_schema(model.process_key)
    fields = (schema or {}).get("properties") or {}
    if schema is None or not set(changes) & set(fields):
        return
    current = model.variables or {}
    record = {k: v for k in fields if (v := changes.get(k, current.get(k))) is not None}
    validate_against(schema, record)


def edit_variables(
    rt: Runtime,
    session: Session,
    model: ProcessInstance,
    changes: Any,
    reason: Any,
    *,
    seen_version: int,
    actor: str,
) -> ProcessInstance:
    """Set variables in the engine's data and on the instance, through the one save path (409
    if the instance changed since ``seen_version``; 422 naming what is refused)."""
    reason = require_reason(reason)
    if not isinstance(changes, dict) or not changes:
        raise Invalid(
            "give the variables to set as a non-empty object",
            code="invalid_variables",
            details=[{"field": "set", "message": "a non-empty object"}],
        )
    if model.lock_version != seen_version:
        raise Conflict(
            "the instance changed since you read it; reload and try again",
            code="instance_changed",
            details=[{"field": "lock_version", "message": f"current is {model.lock_version}"}],
        )
    if model.status in ("completed", "terminated"):
        raise Conflict(f"cannot edit the variables of an instance that is {model.status}", code="instance_state")
    _check_names(changes)
    _check_intake_facts(rt, session, model, changes)
    before = model.variables or {}
    inst = instances.load(rt, model)
    inst.set_variables(changes)
    audit.record(
        session,
        "variables_edited",
        instance_id=model.id,
        actor=actor,
        detail={"reason": reason, "changes": {k: {"from": before.get(k), "to": v} for k, v in changes.items()}},
    )
    instances.save(rt, session, model, inst, StepResult(completed=inst.completed), actor)
    return model


def lock_version_field(raw: str | None) -> int:
    """The hidden lock version a web form posts back (422 naming it if it is not a number)."""
    if raw is None or not raw.isascii() or not raw.isdigit() or len(raw) > 18:
        raise Invalid(
            "the form lacks the instance's version; reload the page",
            code="invalid_lock_version",
            details=[{"field": "lock_version", "message": "a number"}],
        )
    return int(raw)

"""Moving a running case onto another version of its process (admin): a dry run lists what
changes, a real one moves it through the one save path and is audited. Refused (409, naming
each element) when an element the case is at, or has passed, has no counterpart in the target."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine import Instance, StepResult
from app.engine.migration import MigrationPlan, plan_migration
from app.errors import Conflict, Invalid, NotFound
from app.models import ProcessDefinition, ProcessInstance
from app.runtime import Runtime
from app.services import audit, instances

MIGRATABLE = ("running", "suspended", "error")


def read_body(body: Any) -> tuple[int, bool]:
    """``to_version`` (a positive integer) and ``dry_run`` (a boolean, false by default); 422
    naming each bad field."""
    if not isinstance(body, dict):
        raise Invalid("send a JSON object", code="invalid_body", details=[{"field": "body", "message": "an object"}])
    bad = []
    to_version = body.get("to_version")
    if isinstance(to_version, bool) or not isinstance(to_version, int) or not 0 < to_version < 2**31:
        bad.append({"field": "to_version", "message": "a positive integer"})
    dry_run = body.get("dry_run", False)
    if not isinstance(dry_run, bool):
        bad.append({"field": "dry_run", "message": "true or false"})
    if bad:
        raise Invalid("the migration request is not valid", code="invalid_migration", details=bad)
    assert isinstance(to_version, int) and isinstance(dry_run, bool)
    return to_version, dry_run


def target_version(session: Session, model: ProcessInstance, to_version: int) -> ProcessDefinition:
    target = session.scalar(
        select(ProcessDefinition).where(
            ProcessDefinition.key == model.process_key, ProcessDefinition.version == to_version
        )
    )
    if target is None:
        raise NotFound(
            f"process {model.process_key!r} has no version {to_version}",
            code="unknown_version",
            details=[{"field": "to_version", "message": "no such version of this process"}],
        )
    return target


def migrate(rt: Runtime, session: Session, model: ProcessInstance, body: Any, actor: str) -> dict[str, Any]:
    """``{"migrated", "changes"}``; 404 unknown target version, 409 when the instance is not
    running/suspended/in error, already on that version, or cannot follow (``details`` name
    the elements), 422 bad body."""
    to_version, dry_run = read_body(body)
    target = target_version(session, model, to_version)
    changes = move(rt, session, model, target, actor, dry_run=dry_run)
    return {"migrated": not dry_run, "changes": changes}


def plan_for(rt: Runtime, model: ProcessInstance, target: ProcessDefinition) -> tuple[MigrationPlan, Instance, Any]:
    """The engine's plan for moving ``model`` onto ``target`` (its state deserialized once), the
    loaded instance and the function that performs the move; 409 when its status or version rules it out."""
    if model.status not in MIGRATABLE:
        raise Conflict(f"cannot migrate an instance that is {model.status}", code="instance_state")
    if model.version == target.version:
        raise Conflict(f"the instance is already on version {target.version}", code="same_version")
    inst = instances.load(rt, model)
    plan, perform = plan_migration(
        rt.engine, inst, target.id, target.content_hash, lambda: target.spec_json, target.version
    )
    return plan, inst, perform


def move(
    rt: Runtime, session: Session, model: ProcessInstance, target: ProcessDefinition, actor: str, *, dry_run: bool
) -> list[dict[str, str]]:
    """Move one instance onto ``target`` through the one save path, audited (or, ``dry_run``, only
    plan it); its changes. 409 when it cannot follow (``details`` name the elements) or changed
    meanwhile (``instance_changed``, from the optimistic lock on save)."""
    plan, _inst, perform = plan_for(rt, model, target)
    to_version = target.version
    if plan.blocking:
        raise Conflict(
            f"the instance cannot move to version {to_version}: some of its elements have no counterpart there",
            code="migration_blocked",
            details=plan.blocking,
        )
    if dry_run:
        return plan.changes
    try:
        migrated = perform()
    except Exception as exc:  # whatever the engine refuses, nothing is kept
        raise Conflict(f"the instance cannot move to version {to_version}: {exc}", code="migration_blocked") from None
    from_version = model.version
    model.definition = target
    model.version = to_version
    model.called_versions = target.called_versions  # the target's bound called processes run from now on
    audit.record(
        session,
        "instance_migrated",
        instance_id=model.id,
        actor=actor,
        detail={"from_version": from_version, "to_version": to_version, "changes": plan.changes},
    )
    # a running case goes on at once (a reset timer waits again); a held one stays where it is
    result = migrated.run_steps() if model.status == "running" else StepResult(completed=migrated.completed)
    instances.save(rt, session, model, migrated, result, actor)
    return plan.changes

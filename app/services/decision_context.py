"""What a task decides on: the earlier steps of its case, newest first, and which of them the
task's form points at.

A form names the earlier steps its task decides on with ``"x-context": [<form key>, ...]``
(``forms/approve_solution.json``: the proposal, the investigation). The newest completed step of
each named form is the task's focus; a form key that no completed step has yet is ignored (a
first proposal has no rejected approval to rework). Steps come from the ``task_completed``
history entries, which keep the submitted data, so nothing of the engine is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry, TaskRecord, User

# A case has a few dozen steps; more than this (a case reworked many times) shows the newest.
MAX_STEPS = 50


@dataclass(frozen=True)
class Step:
    """One completed task of the case: which, by whom, when, with what data."""

    task_id: str
    name: str
    form_key: str | None
    actor: str | None
    actor_name: str | None
    at: datetime
    data: Mapping[str, Any]
    focus: bool = False


def context_forms(schema: Mapping[str, Any]) -> list[str]:
    """The form keys a task's form declares in ``x-context`` (nothing for a form without)."""
    declared = schema.get("x-context")
    if not isinstance(declared, list):
        return []
    return [str(k) for k in declared if isinstance(k, str)]


def earlier_steps(
    session: Session, instance_id: int, *, focus_forms: list[str], limit: int = MAX_STEPS
) -> tuple[list[Step], bool]:
    """The case's completed steps, newest first (at most ``limit``; the flag says whether older
    ones were left out), the newest of each ``focus_forms`` marked. Three bounded queries: the
    history walks ``ix_audit_instance_id`` backwards, the steps' forms and their actors' names
    are read by key."""
    entries = list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.instance_id == instance_id, AuditEntry.type == "task_completed")
            .order_by(AuditEntry.id.desc())
            .limit(limit + 1)
        )
    )
    more = len(entries) > limit
    entries = entries[:limit]
    task_ids = {str(e.detail.get("task_id")) for e in entries if e.detail.get("task_id")}
    forms = (
        dict(
            session.execute(select(TaskRecord.id, TaskRecord.form_key).where(TaskRecord.id.in_(task_ids)))
            .tuples()
            .all()
        )
        if task_ids
        else {}
    )
    actors = {e.actor for e in entries if e.actor}
    names = (
        dict(session.execute(select(User.username, User.display_name).where(User.username.in_(actors))).tuples().all())
        if actors
        else {}
    )
    pending = set(focus_forms)
    steps = []
    for entry in entries:
        detail = entry.detail or {}
        form_key = forms.get(str(detail.get("task_id")))
        focus = form_key is not None and form_key in pending
        if form_key is not None:
            pending.discard(form_key)
        data = detail.get("data")
        steps.append(
            Step(
                task_id=str(detail.get("task_id") or ""),
                name=str(detail.get("name") or entry.element_id or ""),
                form_key=form_key,
                actor=entry.actor,
                actor_name=names.get(entry.actor) if entry.actor else None,
                at=entry.at,
                data=data if isinstance(data, Mapping) else {},
                focus=focus,
            )
        )
    return steps, more


def submitted_values(session: Session, instance_id: int, *, limit: int = MAX_STEPS) -> dict[str, Any]:
    """The newest submitted value of each field name over the case's completed steps (the newest
    ``limit`` of them), for prefilling a later form."""
    values: dict[str, Any] = {}
    for data in session.scalars(
        select(AuditEntry.detail)
        .where(AuditEntry.instance_id == instance_id, AuditEntry.type == "task_completed")
        .order_by(AuditEntry.id.desc())
        .limit(limit)
    ):
        submitted = (data or {}).get("data")
        if isinstance(submitted, Mapping):
            for key, value in submitted.items():
                values.setdefault(key, value)
    return values

"""Durable timers: the ``timers`` rows kept in step with the engine (bookkeeping only).

The ``timers`` table is the source of truth for what waits and when. Saving an instance
(``instances.save``) calls ``sync``; the firing loop and the simulated clock live in
``app.services.timer_firing``, which uses the queries here. This module imports no other
service that saves instances, so the two cannot import each other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.engine import Instance, parse_due
from app.models import ProcessInstance, TimerRecord
from app.services import audit

FIRING_STATUSES = ("running", "error")


@dataclass(frozen=True)
class Deadline:
    """The time limit that governs a task: when, and which timer (element id, diagram name)."""

    due_at: datetime
    rule: str
    name: str


# Reminders warn before a limit; they are not the limit (docs/modeling.md, "Deadlines").
_REMINDER_WORDS = ("reminder", "提醒")


def is_reminder(element_id: str, name: str | None, interrupting: bool) -> bool:
    """A non-interrupting timer whose id or name says it reminds ("Timer_HandlingReminder")."""
    text = f"{element_id} {name or ''}".lower()
    return not interrupting and any(word in text for word in _REMINDER_WORDS)


def due_by_task(timers: Iterable[dict[str, Any]], passed: Iterable[tuple[str, Deadline]] = ()) -> dict[str, Deadline]:
    """The deadline of each task (or subprocess) with boundary timers: the earliest limit that is
    not a reminder (interrupting or not), counting limits already ``passed`` ((attached task,
    limit) of fired timers: the task stays overdue by that limit, not due by the next one); a
    timer still waiting replaces what fired of the same element (a cycle). Only reminders: the
    last of them."""
    limits: dict[str, dict[str, Deadline]] = {}
    reminders: dict[str, Deadline] = {}
    waiting: set[tuple[str, str]] = set()
    for attached_to, limit in passed:
        limits.setdefault(attached_to, {})[limit.rule] = limit
    for t in timers:
        due, task_id = parse_due(t["value"]), t.get("attached_to")
        if due is None or task_id is None:
            continue
        element_id = str(t["element_id"])
        deadline = Deadline(due, element_id, str(t.get("name") or element_id))
        if is_reminder(element_id, t.get("name"), bool(t.get("interrupting"))):
            if task_id not in reminders or due > reminders[task_id].due_at:
                reminders[task_id] = deadline
            continue
        mine = limits.setdefault(task_id, {})
        if (task_id, element_id) not in waiting or due < mine[element_id].due_at:
            mine[element_id] = deadline
            waiting.add((task_id, element_id))
    governing = {task_id: min(by_element.values(), key=lambda d: d.due_at) for task_id, by_element in limits.items()}
    return {**reminders, **governing}


def passed_limits(session: Session, instance_id: int) -> list[tuple[str, Deadline]]:
    """(attached task, limit) of the instance's boundary timers that fired, the last firing of
    each: one row per timer element, whatever a cycle fired (``ix_timer_instance_status_due``)."""
    rows = session.execute(
        select(
            TimerRecord.attached_to,
            TimerRecord.element_id,
            TimerRecord.name,
            TimerRecord.interrupting,
            func.max(TimerRecord.due_at),
        )
        .where(
            TimerRecord.instance_id == instance_id,
            TimerRecord.status == "fired",
            TimerRecord.attached_to.is_not(None),
        )
        .group_by(TimerRecord.attached_to, TimerRecord.element_id, TimerRecord.name, TimerRecord.interrupting)
    )
    return [
        (attached_to, Deadline(due_at, element_id, name))
        for attached_to, element_id, name, interrupting, due_at in rows
        if not is_reminder(element_id, name, interrupting)
    ]


def sync(session: Session, model: ProcessInstance, inst: Instance, timers: list[dict[str, Any]]) -> int:
    """Make the instance's pending timer rows match the engine; record the ones that fired.
    Returns how many fired."""
    now = utcnow()
    pending = list(
        session.scalars(select(TimerRecord).where(TimerRecord.instance_id == model.id, TimerRecord.status == "pending"))
    )
    waiting = (
        {}
        if model.status in ("completed", "terminated")
        else {(t["task_id"], due): t for t in timers if (due := parse_due(t["value"])) is not None}
    )
    known = set()
    fired = 0
    for row in pending:
        key = (row.task_id, row.due_at)
        if key in waiting:
            known.add(key)
            continue
        if row.due_at <= now and inst.task_state(row.task_id) != "cancelled":
            row.status, row.fired_at = "fired", now
            fired += 1
            audit.record(
                session,
                "timer_fired",
                instance_id=model.id,
                actor=None,
                element_id=row.element_id,
                detail={"timer_id": row.id, "name": row.name, "due_at": row.due_at.isoformat()},
            )
        else:
            row.status = "cancelled"
    for (task_id, due), t in waiting.items():
        if (task_id, due) not in known:
            session.add(
                TimerRecord(
                    instance_id=model.id,
                    task_id=task_id,
                    element_id=t["element_id"],
                    name=str(t["name"] or t["element_id"]),
                    due_at=due,
                    interrupting=bool(t.get("interrupting")),
                    attached_to=t.get("attached_to"),
                    created_at=now,
                )
            )
    return fired


def release_failed(session: Session, model: ProcessInstance) -> None:
    """An admin retries the instance: its timers that failed may fire again."""
    session.execute(
        update(TimerRecord)
        .where(TimerRecord.instance_id == model.id, TimerRecord.status == "failed")
        .values(status="pending")
    )


def next_due(session: Session) -> datetime | None:
    """The earliest pending timer of a running instance."""
    return session.scalar(
        select(func.min(TimerRecord.due_at))
        .join(ProcessInstance, ProcessInstance.id == TimerRecord.instance_id)
        .where(TimerRecord.status == "pending", ProcessInstance.status.in_(FIRING_STATUSES))
    )


def due_query(now: datetime, exclude: set[int]) -> Any:
    """The earliest pending timer due before ``now`` of an instance that may fire, locked for the
    caller (rows another scheduler holds are skipped); ``exclude``: rows already tried."""
    stmt = (
        select(TimerRecord)
        .join(ProcessInstance, ProcessInstance.id == TimerRecord.instance_id)
        .where(TimerRecord.status == "pending", TimerRecord.due_at < now, ProcessInstance.status.in_(FIRING_STATUSES))
        .order_by(TimerRecord.due_at, TimerRecord.id)
        .limit(1)
    )
    if exclude:
        stmt = stmt.where(TimerRecord.id.notin_(exclude))
    return stmt.with_for_update(skip_locked=True, of=TimerRecord)


def hold_due(session: Session, instance_id: int, now: datetime) -> None:
    """Due timers of an instance whose step ended in an incident wait for an admin's retry
    (firing them again would only repeat the incident)."""
    session.execute(
        update(TimerRecord)
        .where(TimerRecord.instance_id == instance_id, TimerRecord.status == "pending", TimerRecord.due_at < now)
        .values(status="failed")
    )

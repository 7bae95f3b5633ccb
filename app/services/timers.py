"""Durable timers: kept in step with the engine, claimed and fired exactly once.

The ``timers`` table is the source of truth; the scheduler (APScheduler) only wakes up
and calls ``fire_due``. Firing an instance's due timers, saving it under its optimistic
lock, marking the rows fired and writing ``timer_fired`` history happen in one
transaction: a crash before commit leaves the timers pending, so they fire after restart.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.clock import clock, utcnow
from app.engine import EngineIncident, Instance, parse_due
from app.errors import Conflict
from app.models import ProcessInstance, TimerRecord
from app.runtime import Runtime
from app.services import audit

log = logging.getLogger(__name__)
FIRING_STATUSES = ("running", "error")

# Within one process, the scheduler's wake-ups and a simulated-clock advance take turns: an
# advance fires (and counts) every timer on its way itself, in due order, and returns only once
# they are fired; without this the in-process scheduler could fire one of them in between (or
# still be committing it when the advance returns). Other processes are kept apart by row locks.
_firing = threading.RLock()


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


def _due_query(now: datetime, exclude: set[int]) -> Any:
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


def fire_due(rt: Runtime, *, limit: int = 10_000) -> int:
    """Fire due timers in due order, one instance per transaction; returns timers fired."""
    from app.services import instances

    fired = 0
    # rows tried in this call that are still pending (a conflict, an instance that did not
    # fire): not tried again until the next wake-up. Fired rows leave the query by themselves,
    # so the exclusion list stays short (it is sent with every query).
    skipped: set[int] = set()
    with _firing:
        for _ in range(limit):
            with rt.sessions() as session:
                row = session.scalar(_due_query(clock.now(), skipped))
                if row is None:
                    break
                row_id, instance_id = row.id, row.instance_id
                try:
                    model = session.scalar(
                        select(ProcessInstance)
                        .where(ProcessInstance.id == instance_id)
                        .with_for_update(of=ProcessInstance)
                    )
                    if model is None or model.status not in FIRING_STATUSES:
                        skipped.add(row_id)
                        continue
                    inst = instances.load(rt, model)
                    result = inst.run_steps()
                    count = instances.save(rt, session, model, inst, result, None)
                    if result.incident is not None:
                        _hold_due(session, model.id, clock.now())
                    session.commit()
                except (Conflict, StaleDataError, OperationalError):
                    # a user changed the instance first, or the database picked this transaction as a
                    # deadlock's victim (PostgreSQL): nothing happened; retried on the next wake-up
                    session.rollback()
                    skipped.add(row_id)
                    continue
                except Exception as exc:  # a timer that cannot fire is an incident, never an outage
                    session.rollback()
                    log.exception("timer %s of instance %s failed", row_id, instance_id)
                    session.close()  # no transaction (on SQLite: no write lock) left open here
                    _record_failure(rt, row_id, exc)
                    skipped.add(row_id)
                    continue
                fired += count
                if row.status == "pending":
                    skipped.add(row_id)
    return fired


def _hold_due(session: Session, instance_id: int, now: datetime) -> None:
    """Due timers of an instance whose step ended in an incident wait for an admin's retry
    (firing them again would only repeat the incident)."""
    session.execute(
        update(TimerRecord)
        .where(TimerRecord.instance_id == instance_id, TimerRecord.status == "pending", TimerRecord.due_at < now)
        .values(status="failed")
    )


def _record_failure(rt: Runtime, row_id: int, exc: Exception) -> None:
    """In a transaction of its own: the timer waits for a retry, the instance has an incident."""
    from app.services import instances

    with rt.sessions() as session:
        row = session.get(TimerRecord, row_id)
        model = session.get(ProcessInstance, row.instance_id) if row is not None else None
        if row is None or model is None:
            return
        _hold_due(session, model.id, clock.now())
        row.status = "failed"
        message = f"timer '{row.name}' could not fire: {type(exc).__name__}: {exc}"
        instances.record_incident(session, model, EngineIncident(row.element_id, message), None)
        try:
            session.commit()
        except (StaleDataError, Conflict):
            session.rollback()  # changed meanwhile: the timer is tried again on the next wake-up


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


MAX_ADVANCE_ROUNDS = 100_000


def advance_clock(rt: Runtime, *, to: datetime) -> int:
    """Simulated clock: move forward to ``to`` firing every timer on the way, in due order
    (at most ``MAX_ADVANCE_ROUNDS`` due times; what is left fires on the scheduler's next polls)."""
    fired = 0
    with _firing:
        for _ in range(MAX_ADVANCE_ROUNDS):
            with rt.sessions() as session:
                due = next_due(session)
            if due is None or due > to:
                break
            clock.advance_to(max(clock.now(), due + timedelta(microseconds=1)))
            fired += fire_due(rt)
        clock.advance_to(max(clock.now(), to))
        return fired + fire_due(rt)

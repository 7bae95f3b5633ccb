"""Firing due timers, claimed and fired exactly once, and moving the simulated clock.

The scheduler (APScheduler) only wakes up and calls ``fire_due``. Firing an instance's due
timers, saving it under its optimistic lock (``instances.save``, which marks the rows fired
and writes ``timer_fired`` history) happen in one transaction: a crash before commit leaves
the timers pending, so they fire after restart. The timer rows' bookkeeping is
``app.services.timers``; this module sits above ``instances`` and nothing below imports it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.clock import clock
from app.engine import EngineIncident, Instance
from app.errors import Conflict, NotFound
from app.models import AuditEntry, ProcessInstance, TimerRecord
from app.runtime import Runtime
from app.services import audit, complaint_facts, instances, timers

log = logging.getLogger(__name__)

# Within one process, the scheduler's wake-ups and a simulated-clock advance take turns: an
# advance fires (and counts) every timer on its way itself, in due order, and returns only once
# they are fired; without this the in-process scheduler could fire one of them in between (or
# still be committing it when the advance returns). Other processes are kept apart by row locks.
_firing = threading.RLock()


def fire_due(rt: Runtime, *, limit: int = 10_000) -> int:
    """Fire due timers in due order, one instance per transaction; returns timers fired."""
    fired = 0
    # rows tried in this call that are still pending (a conflict, an instance that did not
    # fire): not tried again until the next wake-up. Fired rows leave the query by themselves,
    # so the exclusion list stays short (it is sent with every query).
    skipped: set[int] = set()
    with _firing:
        for _ in range(limit):
            with rt.sessions() as session:
                row = session.scalar(timers.due_query(clock.now(), skipped))
                if row is None:
                    break
                row_id, instance_id = row.id, row.instance_id
                try:
                    model = session.scalar(
                        select(ProcessInstance)
                        .where(ProcessInstance.id == instance_id)
                        .with_for_update(of=ProcessInstance)
                    )
                    if model is None or model.status not in timers.FIRING_STATUSES:
                        skipped.add(row_id)
                        continue
                    count = _run_due(rt, session, model, instances.load(rt, model), None)
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


def _run_due(rt: Runtime, session: Session, model: ProcessInstance, inst: Instance, actor: str | None) -> int:
    """Run the instance's due timers and what follows them, and save it: one step for the
    scheduler and for an admin's "fire now" alike. Returns how many timers fired."""
    result = inst.run_steps()
    count = instances.save(rt, session, model, inst, result, actor)
    if result.incident is not None:
        timers.hold_due(session, model.id, clock.now())
    return count


def fire_now(rt: Runtime, session: Session, model: ProcessInstance, element_id: str, actor: str) -> TimerRecord:
    """An admin fires a waiting timer of the instance now (its earliest one of ``element_id``),
    with its consequences, in the caller's transaction under the instance's row lock; 404 if the
    instance has no such pending timer, 409 unless it is running (or in error)."""
    with _firing:
        session.scalar(
            select(ProcessInstance)
            .where(ProcessInstance.id == model.id)
            .with_for_update(of=ProcessInstance)
            .execution_options(populate_existing=True)
        )
        row = session.scalar(
            select(TimerRecord)
            .where(
                TimerRecord.instance_id == model.id,
                TimerRecord.status == "pending",
                TimerRecord.element_id == element_id,
            )
            .order_by(TimerRecord.due_at, TimerRecord.id)
            .limit(1)
        )
        if row is None:
            raise NotFound(f"instance {model.id} has no pending timer '{element_id}'", code="unknown_timer")
        if model.status not in timers.FIRING_STATUSES:
            raise Conflict(f"cannot fire a timer of an instance that is {model.status}", code="instance_state")
        inst = instances.load(rt, model)
        when = clock.now() - timedelta(microseconds=1)  # the engine fires what is due strictly before now
        if not inst.make_timer_due(row.task_id, when):
            raise NotFound(f"instance {model.id} has no pending timer '{element_id}'", code="unknown_timer")
        audit.record(
            session,
            "timer_fired_by_admin",
            instance_id=model.id,
            actor=actor,
            element_id=row.element_id,
            detail={"timer_id": row.id, "name": row.name, "due_at": row.due_at.isoformat()},
        )
        row.due_at = when  # the row follows the engine: it is due now, so saving marks it fired
        _run_due(rt, session, model, inst, actor)
        return row


def _record_failure(rt: Runtime, row_id: int, exc: Exception) -> None:
    """In a transaction of its own: the timer waits for a retry, the instance has an incident."""
    with rt.sessions() as session:
        row = session.get(TimerRecord, row_id)
        model = session.get(ProcessInstance, row.instance_id) if row is not None else None
        if row is None or model is None:
            return
        timers.hold_due(session, model.id, clock.now())
        row.status = "failed"
        message = f"timer '{row.name}' could not fire: {type(exc).__name__}: {exc}"
        instances.record_incident(session, model, EngineIncident(row.element_id, message), None)
        complaint_facts.refresh(session, model)  # no save follows: the facts follow the status here
        try:
            session.commit()
        except (StaleDataError, Conflict):
            session.rollback()  # changed meanwhile: the timer is tried again on the next wake-up


MAX_ADVANCE_ROUNDS = 100_000
MAX_LISTED = 200  # a move's answer lists at most this many of the timers it fired


@dataclass(frozen=True)
class FiredTimer:
    """A timer that fired while the clock moved: its instance, element and due time."""

    instance_id: int
    business_key: str | None
    element_id: str | None
    name: str
    due_at: str | None


@dataclass(frozen=True)
class ClockMove:
    """What moving the simulated clock did: how many timers fired, and (the first
    ``MAX_LISTED`` of) which ones, in firing order."""

    fired: int
    timers: list[FiredTimer]


def advance_clock(rt: Runtime, *, to: datetime) -> ClockMove:
    """Simulated clock: move forward to ``to`` firing every timer on the way, in due order
    (at most ``MAX_ADVANCE_ROUNDS`` due times; what is left fires on the scheduler's next polls)."""
    fired = 0
    with _firing:
        with rt.sessions() as session:
            mark = session.scalar(select(func.max(AuditEntry.id))) or 0
        for _ in range(MAX_ADVANCE_ROUNDS):
            with rt.sessions() as session:
                due = timers.next_due(session)
            if due is None or due > to:
                break
            clock.advance_to(max(clock.now(), due + timedelta(microseconds=1)))
            fired += fire_due(rt)
        clock.advance_to(max(clock.now(), to))
        fired += fire_due(rt)
        with rt.sessions() as session:
            return ClockMove(fired, _fired_since(session, mark))


def _fired_since(session: Session, mark: int) -> list[FiredTimer]:
    """The ``timer_fired`` history written after entry ``mark`` (a primary-key range: only this
    move's entries are read)."""
    rows = session.execute(
        select(AuditEntry, ProcessInstance.business_key)
        .join(ProcessInstance, ProcessInstance.id == AuditEntry.instance_id)
        .where(AuditEntry.id > mark, AuditEntry.type == "timer_fired")
        .order_by(AuditEntry.id)
        .limit(MAX_LISTED)
    )
    return [
        FiredTimer(
            instance_id=entry.instance_id or 0,
            business_key=business_key,
            element_id=entry.element_id,
            name=str((entry.detail or {}).get("name") or entry.element_id or ""),
            due_at=(entry.detail or {}).get("due_at"),
        )
        for entry, business_key in rows
    ]

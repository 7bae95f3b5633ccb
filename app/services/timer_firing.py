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
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app.clock import clock
from app.engine import EngineIncident
from app.errors import Conflict
from app.models import ProcessInstance, TimerRecord
from app.runtime import Runtime
from app.services import instances, timers

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
                    inst = instances.load(rt, model)
                    result = inst.run_steps()
                    count = instances.save(rt, session, model, inst, result, None)
                    if result.incident is not None:
                        timers.hold_due(session, model.id, clock.now())
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
        try:
            session.commit()
        except (StaleDataError, Conflict):
            session.rollback()  # changed meanwhile: the timer is tried again on the next wake-up


MAX_ADVANCE_ROUNDS = 100_000


def advance_clock(rt: Runtime, *, to: datetime) -> int:
    """Simulated clock: move forward to ``to`` firing every timer on the way, in due order
    (at most ``MAX_ADVANCE_ROUNDS`` due times; what is left fires on the scheduler's next polls)."""
    fired = 0
    with _firing:
        for _ in range(MAX_ADVANCE_ROUNDS):
            with rt.sessions() as session:
                due = timers.next_due(session)
            if due is None or due > to:
                break
            clock.advance_to(max(clock.now(), due + timedelta(microseconds=1)))
            fired += fire_due(rt)
        clock.advance_to(max(clock.now(), to))
        return fired + fire_due(rt)

"""APScheduler: the mechanism that wakes up and fires due timers.

The ``timers`` table is the source of truth (``app.services.timers``); the scheduler calls
``app.services.timer_firing.fire_due``. It runs inside the web process (``make run``) or on
its own (``flask --app wsgi scheduler``); several schedulers on one PostgreSQL database share
the work (rows are claimed with ``FOR UPDATE SKIP LOCKED``). It polls every ``SCHEDULER_POLL_SECONDS`` (0.25 s), so a
timer created by any process fires well within a second of its due time.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import SchedulerHeartbeat
from app.runtime import Runtime

log = logging.getLogger(__name__)

_scheduler: BackgroundScheduler | None = None
_lock = threading.Lock()


def _fire(rt: Runtime) -> None:
    from app.services.timer_firing import fire_due

    try:
        fired = fire_due(rt)
    except Exception:  # a bad wake-up must not stop the scheduler; logged, retried next poll
        log.exception("firing due timers failed")
        return
    if fired:
        log.info("fired %d timer(s)", fired)


HEARTBEAT_NAME = f"{socket.gethostname()}:{os.getpid()}"
HEARTBEAT_MAX_AGE = timedelta(seconds=15)


def _heartbeat(rt: Runtime) -> None:
    """Stamp this scheduler's row so that health checks in other processes see it alive."""
    try:
        with rt.sessions() as session:
            row = session.get(SchedulerHeartbeat, HEARTBEAT_NAME)
            now = datetime.now(UTC)  # wall time: liveness is about real seconds, not the simulated clock
            if row is None:
                session.add(SchedulerHeartbeat(name=HEARTBEAT_NAME, beat_at=now))
            else:
                row.beat_at = now
            session.commit()
    except Exception:
        log.exception("scheduler heartbeat failed")


def _mail(rt: Runtime) -> None:
    from app.services.email_outbox import deliver_emails

    try:
        deliver_emails(rt)
    except Exception:  # logged; retried next poll
        log.exception("delivering notification e-mails failed")


def _statistics(rt: Runtime) -> None:
    from app.db import refresh_statistics

    try:
        refresh_statistics(rt.db, full=False)
    except Exception:  # logged; the planner keeps the statistics it has
        log.exception("refreshing the planner's statistics failed")


def start_scheduler(app: Flask) -> BackgroundScheduler:
    """Start the process-wide scheduler once (idempotent)."""
    global _scheduler
    rt: Runtime = app.extensions["runtime"]
    with _lock:
        if _scheduler is None or not _scheduler.running:
            _scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
            _scheduler.add_job(
                _fire, "interval", args=[rt], seconds=rt.settings.scheduler_poll_seconds, id="fire_due_timers"
            )
            _scheduler.add_job(_mail, "interval", args=[rt], seconds=5, id="deliver_emails")
            _scheduler.add_job(
                _heartbeat, "interval", args=[rt], seconds=5, id="heartbeat", next_run_time=datetime.now(UTC)
            )
            if rt.settings.statistics_hours > 0:
                every = rt.settings.statistics_hours * 3600
                _scheduler.add_job(_statistics, "interval", args=[rt], seconds=every, id="planner_statistics")
            _scheduler.start()
            log.info("scheduler started")
        app.extensions["scheduler"] = _scheduler
        return _scheduler


def stop_scheduler() -> None:
    global _scheduler
    with _lock:
        if _scheduler is not None and _scheduler.running:
            _scheduler.shutdown(wait=True)
        _scheduler = None


def scheduler_status(session: Session) -> str:
    """``ok`` when a scheduler runs in this process or another one stamped its heartbeat
    recently; ``stopped`` otherwise."""
    if _scheduler is not None and _scheduler.running:
        return "ok"
    latest = session.scalar(select(func.max(SchedulerHeartbeat.beat_at)))
    fresh = latest is not None and datetime.now(UTC) - latest < HEARTBEAT_MAX_AGE
    return "ok" if fresh else "stopped"

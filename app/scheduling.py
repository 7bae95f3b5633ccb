"""APScheduler: the background mechanism that wakes up to run due work.

The job table is empty of business logic until durable timers land (issue 3);
the scheduler already runs in the web process (``make run``) or on its own
(``flask scheduler``) so that health reports on it and timer firing can plug in.
"""

from __future__ import annotations

import logging
import threading

from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

log = logging.getLogger(__name__)

_scheduler: BackgroundScheduler | None = None
_lock = threading.Lock()
_beats = 0


def _heartbeat() -> None:
    global _beats
    _beats += 1


def start_scheduler(app: Flask) -> BackgroundScheduler:
    """Start the process-wide scheduler once (idempotent)."""
    global _scheduler
    with _lock:
        if _scheduler is None or not _scheduler.running:
            _scheduler = BackgroundScheduler(timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1})
            _scheduler.add_job(_heartbeat, "interval", seconds=1, id="heartbeat")
            _scheduler.start()
            log.info("scheduler started")
        app.extensions["scheduler"] = _scheduler
        return _scheduler


def stop_scheduler() -> None:
    global _scheduler
    with _lock:
        if _scheduler is not None and _scheduler.running:
            _scheduler.shutdown(wait=False)
        _scheduler = None


def scheduler_status() -> str:
    """``ok`` when the scheduler runs in this process; ``stopped`` otherwise."""
    return "ok" if _scheduler is not None and _scheduler.running else "stopped"

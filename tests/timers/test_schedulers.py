"""Schedulers as separate processes, on the real clock.

- Two scheduler processes on one PostgreSQL database fire thousands of due timers: each exactly
  once (``FOR UPDATE SKIP LOCKED``), and both take part.
- A scheduler killed with SIGKILL mid-run loses nothing: after a restart every overdue timer
  fires at once, in due order, none twice.
- A timer written by another session or another process (a web worker) is fired by the
  in-process scheduler's own polling once the product clock makes it due. How soon is measured
  by ``make bench``, not asserted here: a bound in seconds fails on a loaded machine.

The first two always run on PostgreSQL: a database of their own on the server of
``TEST_DATABASE_URL`` when that is PostgreSQL, else on a throw-away server started for this
module (``bench.postgres``: initdb + pg_ctl as the ``postgres`` account, on a free port, stopped
at the end). Processes are ``python -m tests.timers.scheduler_worker``; the scheduler command
runs the product scheduler exactly as ``flask --app wsgi scheduler`` does. Every wait is on a
condition read from the database, with a deadline; nothing sleeps for a timer.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text

from app.clock import clock
from app.models import TimerRecord
from app.services import instances
from bench.postgres import Postgres
from tests.timers.scheduler_worker import DIAGRAM, KEY

ROOT = Path(__file__).resolve().parents[2]
N_SHARED = 2_500  # timers fired by two schedulers at once
N_KILL = 1_500  # timers of the kill-and-restart test
DEADLINE = 600.0  # seconds: generous, the waits end as soon as their condition holds
SECRET = "test-secret-key-0123456789"
_FIRED_LINE = re.compile(r"fired (\d+) timer\(s\)")


# --- PostgreSQL and processes ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def pg_server() -> Iterator[Postgres]:
    url = os.environ.get("TEST_DATABASE_URL", "")
    pg = Postgres(url) if url.startswith("postgresql") else Postgres._start_local()
    try:
        yield pg
    finally:
        pg.close()


@pytest.fixture
def pg_url(pg_server: Postgres) -> str:
    return pg_server.new_database("timers_mp")


class Worker:
    """One ``scheduler_worker`` process; its output goes to files in the test's tmp dir."""

    def __init__(self, command: list[str], env: dict[str, str], logs: Path, name: str) -> None:
        self.name = name
        self.out_path, self.err_path = logs / f"{name}.out", logs / f"{name}.err"
        with self.out_path.open("wb") as out, self.err_path.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.timers.scheduler_worker", *command],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
            )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        """SIGTERM: the scheduler finishes its current wake-up and exits."""
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=120)

    def kill(self) -> None:
        if self.alive():
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=60)

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def fired(self) -> int:
        """Timers this scheduler reports having fired (its ``fired N timer(s)`` log lines)."""
        return sum(int(n) for n in _FIRED_LINE.findall(self.stderr()))


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    started: list[Worker] = []

    def _spawn(url: str, *command: str) -> Worker:
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "SIMULATED_CLOCK": "0",
            "SCHEDULER_POLL_SECONDS": "0.25",
            "PYTHONPATH": str(ROOT),
        }
        worker = Worker(list(command), env, tmp_path, f"{len(started):02d}-{command[0]}")
        started.append(worker)
        return worker

    yield _spawn
    for worker in started:  # only the processes this test started, each by its own handle
        worker.kill()


def seed(spawn: Callable[..., Worker], url: str, n: int) -> dict[str, Any]:
    worker = spawn(url, "seed", str(n))
    assert worker.proc.wait(timeout=DEADLINE) == 0, worker.stderr()
    result: dict[str, Any] = json.loads(worker.out_path.read_text())
    assert result["instances"] == n
    return result


def wait_until(condition: Callable[[], Any], what: str, *, workers: tuple[Worker, ...] = ()) -> Any:
    """Poll ``condition`` until it is truthy; fail at the deadline or when a worker dies."""
    deadline = time.monotonic() + DEADLINE
    while True:
        value = condition()
        if value:
            return value
        for w in workers:
            assert w.alive(), f"{w.name} exited with {w.proc.returncode}: {w.stderr()[-3000:]}"
        assert time.monotonic() < deadline, f"gave up waiting for {what} after {DEADLINE:.0f} s"
        time.sleep(0.05)  # poll interval of a condition on other processes' work; no timer is waited for


def count(db: Engine, sql: str) -> int:
    with db.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def pending(db: Engine) -> int:
    return count(db, "SELECT count(*) FROM timers WHERE status = 'pending'")


def fired(db: Engine) -> int:
    return count(db, "SELECT count(*) FROM timers WHERE status = 'fired'")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def assert_each_fired_exactly_once(db: Engine, n: int) -> list[tuple[int, datetime]]:
    """Every timer fired once, with one ``timer_fired`` entry, and every instance moved on by
    exactly one step. Returns (audit id, due time) of every firing, in audit order."""
    with db.connect() as conn:
        timers = conn.execute(text("SELECT id, instance_id, status, due_at, fired_at FROM timers")).all()
        audits = conn.execute(
            text(
                "SELECT id, instance_id, type, detail FROM audit_entries WHERE type IN ('timer_fired', 'task_created')"
            )
        ).all()
        states = conn.execute(text("SELECT id, status, variables FROM process_instances")).all()
        tasks = conn.execute(text("SELECT instance_id, element_id, state FROM tasks")).all()
    assert len(timers) == n, "a timer row was added or lost"
    assert Counter(t.status for t in timers) == {"fired": n}
    assert len({t.instance_id for t in timers}) == n
    late = [t for t in timers if t.fired_at is None or t.fired_at < t.due_at]
    assert late == [], f"fired before due or without a time: {late[:3]}"

    fired_entries = [a for a in audits if a.type == "timer_fired"]
    per_instance = Counter(a.instance_id for a in fired_entries)
    twice = {i: c for i, c in per_instance.items() if c != 1}
    assert twice == {} and len(per_instance) == n, f"timer_fired entries per instance: {list(twice.items())[:5]}"
    detail = [_json(a.detail) for a in fired_entries]
    assert sorted(d["timer_id"] for d in detail) == sorted(t.id for t in timers)

    assert len(states) == n
    assert Counter(s.status for s in states) == {"running": n}
    steps = Counter(_json(s.variables)["steps"] for s in states)
    assert steps == {1: n}, f"instances by number of steps taken after their timer: {steps}"
    assert Counter((t.element_id, t.state) for t in tasks) == {("after", "ready"): n}
    assert Counter(a.instance_id for a in audits if a.type == "task_created") == dict.fromkeys(per_instance, 1)

    due = {t.id: t.due_at for t in timers}
    return sorted((a.id, due[d["timer_id"]]) for a, d in zip(fired_entries, detail, strict=True))


# --- the tests ------------------------------------------------------------------------------------
def test_two_schedulers_on_one_postgresql_database_fire_each_timer_exactly_once(spawn, pg_url) -> None:
    seed(spawn, pg_url, N_SHARED)
    db = create_engine(pg_url)
    try:
        assert pending(db) == N_SHARED
        a, b = spawn(pg_url, "scheduler"), spawn(pg_url, "scheduler")
        t0 = time.monotonic()
        wait_until(lambda: pending(db) == 0, "every timer fired", workers=(a, b))
        took = time.monotonic() - t0
        a.stop()
        b.stop()
        assert_each_fired_exactly_once(db, N_SHARED)
        shares = (a.fired(), b.fired())
        print(f"\n{N_SHARED} timers in {took:.1f} s (process start included); fired by each scheduler: {shares}")
        assert sum(shares) == N_SHARED, f"the schedulers report {shares} timers fired"
        assert min(shares) > 0, f"one scheduler did all the work: {shares}"
    finally:
        db.dispose()


def test_sigkilled_scheduler_restarts_and_fires_every_overdue_timer_once_in_due_order(spawn, pg_url) -> None:
    seed(spawn, pg_url, N_KILL)
    db = create_engine(pg_url)
    try:
        first = spawn(pg_url, "scheduler")
        wait_until(lambda: fired(db) >= N_KILL // 5, "a fifth of the timers fired", workers=(first,))
        first.kill()  # SIGKILL mid-run: its open transaction dies with it
        left = pending(db)
        assert 0 < left < N_KILL, f"{left} pending after the kill: not mid-run"
        assert fired(db) + left == N_KILL
        with db.connect() as conn:
            last_before = conn.execute(text("SELECT max(id) FROM audit_entries")).scalar_one()

        second = spawn(pg_url, "scheduler")
        t0 = time.monotonic()
        wait_until(lambda: pending(db) < left, "the restarted scheduler's first firing", workers=(second,))
        first_fire = time.monotonic() - t0
        wait_until(lambda: pending(db) == 0, "every overdue timer fired after the restart", workers=(second,))
        drained = time.monotonic() - t0
        second.stop()

        order = assert_each_fired_exactly_once(db, N_KILL)
        dues = [due for _, due in order]
        assert dues == sorted(dues), "timers did not fire in due order"
        after_restart = [due for audit_id, due in order if audit_id > last_before]
        assert len(after_restart) == left == second.fired()
        print(
            f"\nkilled with {left} of {N_KILL} pending; after restart: first firing {first_fire:.1f} s "
            f"(process start included), all {left} in {drained:.1f} s"
        )
        assert first_fire < 120, "overdue timers did not fire at once after the restart"  # generous: a loaded machine
    finally:
        db.dispose()


def _wait_fired(rt, instance_id: int) -> TimerRecord:
    """Poll the database until the instance's timer row is fired (by the scheduler thread)."""

    def fired_row() -> TimerRecord | None:
        with rt.sessions() as session:
            return session.scalar(
                select(TimerRecord).where(TimerRecord.instance_id == instance_id, TimerRecord.status == "fired")
            )

    return wait_until(fired_row, f"the timer of instance {instance_id} to fire")


def _status(rt, instance_id: int) -> str:
    with rt.sessions() as session:
        return session.scalars(select(TimerRecord.status).where(TimerRecord.instance_id == instance_id)).one()


def test_timer_written_by_another_session_is_fired_by_the_scheduler(flow, rt) -> None:
    flow.deploy(DIAGRAM)
    due = clock.now() + timedelta(hours=1)
    with rt.sessions() as session:  # a web request's session, not the scheduler's
        model = instances.start(rt, session, KEY, {"wake_at": due.isoformat(), "steps": 0}, "agent")
        session.commit()
    assert _status(rt, model.id) == "pending"
    clock.advance_to(due + timedelta(seconds=1))  # moves the clock only: the scheduler's own poll fires it
    row = _wait_fired(rt, model.id)
    assert row.due_at == due and row.fired_at >= due
    assert flow.instance(model.id)["variables"]["steps"] == 1


def test_timer_written_by_another_process_is_fired_by_the_scheduler(flow, rt, spawn) -> None:
    flow.deploy(DIAGRAM)
    web = spawn(rt.settings.database_url, "start", KEY, "3600")  # a web worker: its own process, wall clock
    assert web.proc.wait(timeout=DEADLINE) == 0, web.stderr()
    started = json.loads(web.out_path.read_text())
    wake_at = datetime.fromisoformat(started["wake_at"])
    clock.advance_to(wake_at + timedelta(seconds=1))  # due on this process's clock (already, if it is ahead)
    row = _wait_fired(rt, started["id"])
    assert row.due_at == wake_at and row.fired_at >= wake_at
    assert flow.instance(started["id"])["variables"]["steps"] == 1

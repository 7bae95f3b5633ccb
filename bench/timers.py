"""Timers: lateness under a large pending load, and the time to drain a burst.

Per database (SQLite and PostgreSQL), in a process of its own on a fresh database:

1. **Load**: ``--background`` (100,000) pending timer rows due in the next 1 h to 30 days, bulk
   inserted and attached to 10 real instances (they wait on a timer 30 days out). They only sit
   in the ``timers`` table and its ``ix_timer_status_due`` index, as a big backlog of future
   timers does.
2. **Lateness**: ``--real`` (300) instances started through ``instances.start`` (start -> timer
   -> end), their ``timeDate`` due ``--spacing`` (0.1 s) apart, the first a few seconds after the
   last start; the product scheduler (``start_scheduler``, APScheduler, real clock, polling every
   ``SCHEDULER_POLL_SECONDS`` = 0.25 s) fires them. Lateness = ``fired_at - due_at`` of each
   (``fired_at`` is stamped when the instance is saved, just before the commit).
3. **Drain**: the scheduler is stopped; ``--drain`` (10,000) instances are cloned from a real
   one (engine state with fresh task ids, its timer row) with due times spread over the last
   minute; the scheduler is started again and timed until every one has fired.

``python -m bench.timers DB_URL OUT.json [--background N] [--real N] [--drain N]`` runs one
database; ``make bench`` runs both and writes the "Timers" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select, text

from bench.common import StatementCounter
from bench.seeding import clone_waiting_instance
from bench.stats import median, percentile

KEY = "bench_timer"
DIAGRAM = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="bench">'
    f'<bpmn:process id="{KEY}" isExecutable="true"><bpmn:startEvent id="start"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>'
    '<bpmn:intermediateCatchEvent id="wait" name="Wait"><bpmn:timerEventDefinition>'
    "<bpmn:timeDate>wake_at</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    '<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/><bpmn:endEvent id="end"/>'
    "</bpmn:process></bpmn:definitions>"
).encode()
BACKGROUND_OWNERS = 10


def log(message: str) -> None:
    print(f"    timers: {message}", file=sys.stderr, flush=True)


# --- one database, in its own process ---------------------------------------------------------------
class TimerBench:
    def __init__(self, url: str) -> None:
        from app import create_app
        from app.cli import migrate_database
        from app.config import Settings
        from app.services import deployments

        settings = Settings(
            database_url=url,
            secret_key="bench-secret-key-0123456789",
            scheduler_enabled=False,
            demo_data=False,
            testing=True,
        )
        self.url = url
        self.app = create_app(settings)
        self.rt = self.app.extensions["runtime"]
        migrate_database(self.rt)
        with self.rt.sessions() as session:
            deployments.deploy(
                session, DIAGRAM, handlers=dict(self.rt.engine.handlers), max_bytes=1 << 20, actor="bench"
            )
            session.commit()
        # reads for the bench's own polling: a plain engine (no BEGIN IMMEDIATE on SQLite), so
        # watching never takes the write lock the scheduler needs
        self.watch = create_engine(url)
        self.dialect = self.rt.db.dialect.name

    def start(self, wake_at: datetime) -> int:
        from app.services import instances

        with self.rt.sessions() as session:
            model = instances.start(self.rt, session, KEY, {"wake_at": wake_at.isoformat()}, "bench")
            session.commit()
            return model.id

    def count(self, *where: Any) -> int:
        """Timer rows matching ``where`` (read through the product's column types)."""
        from app.models import TimerRecord

        with self.watch.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(TimerRecord).where(*where)).scalar_one())

    def pending(self) -> int:
        from app.models import TimerRecord

        return self.count(TimerRecord.status == "pending")

    def wait_until(self, what: str, condition: Any, deadline_s: float) -> None:
        deadline = time.monotonic() + deadline_s
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError(f"timers bench: gave up waiting for {what}")
            time.sleep(0.05)

    # --- 1. load -------------------------------------------------------------------------------
    def load_background(self, n: int) -> dict[str, Any]:
        from app.models import TimerRecord

        t0 = time.perf_counter()
        far = datetime.now(UTC) + timedelta(days=30)
        owners = [self.start(far) for _ in range(BACKGROUND_OWNERS)]
        rng = random.Random(1)
        now = datetime.now(UTC)
        with self.rt.sessions() as session:
            for offset in range(0, n, 10_000):
                rows = [
                    {
                        "instance_id": owners[i % len(owners)],
                        "task_id": str(uuid.uuid4()),
                        "element_id": "wait",
                        "name": "Background",
                        "due_at": now + timedelta(seconds=rng.uniform(3600, 30 * 86400)),
                        "interrupting": False,
                        "status": "pending",
                        "created_at": now,
                    }
                    for i in range(offset, min(n, offset + 10_000))
                ]
                session.execute(insert(TimerRecord), rows)
            session.commit()
        if self.dialect == "postgresql":
            with self.rt.db.connect() as conn:  # what autovacuum does shortly after a bulk load
                conn.execute(text("ANALYZE timers"))
                conn.commit()
        return {"pending": self.pending(), "load_s": time.perf_counter() - t0, "plan": self.due_query_plan()}

    def due_query_plan(self) -> list[str]:
        """How the database runs the scheduler's due-timer query (``timers.due_query``)."""
        from app.clock import utcnow
        from app.services.timers import due_query

        stmt = due_query(utcnow(), set())
        compiled = stmt.compile(dialect=self.rt.db.dialect, compile_kwargs={"literal_binds": True})
        prefix = "EXPLAIN (ANALYZE, COSTS OFF) " if self.dialect == "postgresql" else "EXPLAIN QUERY PLAN "
        with self.rt.db.connect() as conn:
            rows = conn.exec_driver_sql(prefix + str(compiled)).all()
            conn.rollback()
        return [str(r[0]) if self.dialect == "postgresql" else str(r[-1]) for r in rows]

    # --- 2. lateness ---------------------------------------------------------------------------
    def lateness(self, n: int, spacing: float) -> dict[str, Any]:
        from app.models import TimerRecord
        from app.scheduling import start_scheduler, stop_scheduler

        # warm up (caches, connections) and learn how long a start takes, so the first timer
        # is due only after the last instance is started
        t0 = time.perf_counter()
        for _ in range(10):
            self.start(datetime.now(UTC) + timedelta(days=30))
        per_start = (time.perf_counter() - t0) / 10
        first = datetime.now(UTC) + timedelta(seconds=per_start * n * 2 + 3)
        ids = [self.start(first + timedelta(seconds=spacing * i)) for i in range(n)]
        last = first + timedelta(seconds=spacing * (n - 1))
        log(f"{n} timers due {first:%H:%M:%S.%f}..{last:%H:%M:%S.%f}, every {spacing} s")
        mine = (TimerRecord.instance_id.in_(ids), TimerRecord.status == "fired")
        start_scheduler(self.app)
        try:
            self.wait_until(
                "the lateness timers",
                lambda: self.count(*mine) == n,
                deadline_s=(last - datetime.now(UTC)).total_seconds() + 300,
            )
        finally:
            stop_scheduler()
        with self.watch.connect() as conn:
            rows = conn.execute(select(TimerRecord.due_at, TimerRecord.fired_at).where(*mine)).all()
        late = [(fired - due).total_seconds() for due, fired in rows]
        return {
            "n": len(late),
            "spacing_s": spacing,
            "p50_s": median(late),
            "p99_s": percentile(late, 99),
            "max_s": max(late),
            "min_s": min(late),
            "mean_s": sum(late) / len(late),
            "pending_during": self.pending(),
        }

    # --- 3. drain ------------------------------------------------------------------------------
    def drain(self, n: int) -> dict[str, Any]:
        from app.models import TimerRecord
        from app.scheduling import start_scheduler, stop_scheduler

        placeholder = (datetime.now(UTC) + timedelta(days=365)).replace(microsecond=123456).isoformat()
        template_id = self.start(datetime.fromisoformat(placeholder))
        with self.watch.connect() as conn:
            last_before = conn.execute(select(func.max(TimerRecord.id))).scalar_one()
        t0 = time.perf_counter()
        base = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
        dues = [base + timedelta(seconds=60 * (i + 0.5) / n) for i in range(n)]  # all in the same minute
        random.Random(2).shuffle(dues)
        with self.rt.sessions() as session:
            clone_waiting_instance(session, template_id, placeholder, dues, started_by="bench")
            session.commit()
        log(f"{n} instances cloned in {time.perf_counter() - t0:.1f} s, due {min(dues):%H:%M:%S}..{max(dues):%H:%M:%S}")

        def due() -> int:
            return self.count(TimerRecord.status == "pending", TimerRecord.due_at <= datetime.now(UTC))

        assert due() == n
        plan = self.due_query_plan()
        statements = StatementCounter(self.rt.db)
        started = time.perf_counter()
        start_scheduler(self.app)
        try:
            self.wait_until("the drain", lambda: due() == 0, deadline_s=3600)
        finally:
            stop_scheduler()
        took = time.perf_counter() - started
        fired = self.count(TimerRecord.id > last_before, TimerRecord.status == "fired")
        if fired != n:
            raise RuntimeError(f"timers bench: {fired} of {n} drained timers fired")
        return {
            "n": n,
            "seconds": took,
            "per_s": n / took,
            "fired": fired,
            "plan": plan,
            "statements_per_timer": statements.count / n,
        }

    def close(self) -> None:
        self.watch.dispose()
        self.rt.db.dispose()


def run(url: str, background: int, real: int, drain: int, spacing: float) -> dict[str, Any]:
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    bench = TimerBench(url)
    try:
        result: dict[str, Any] = {"database": bench.dialect}
        result["load"] = bench.load_background(background)
        log(f"{result['load']['pending']:,} pending timers loaded in {result['load']['load_s']:.1f} s")
        result["lateness"] = bench.lateness(real, spacing)
        lat = result["lateness"]
        log(f"lateness p50 {lat['p50_s']:.3f} s, p99 {lat['p99_s']:.3f} s, max {lat['max_s']:.3f} s")
        result["drain"] = bench.drain(drain)
        log(f"drained {drain:,} in {result['drain']['seconds']:.1f} s ({result['drain']['per_s']:.0f}/s)")
        from app.config import Settings

        result["poll_s"] = Settings().scheduler_poll_seconds
        return result
    finally:
        bench.close()


def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.timers")
    p.add_argument("url")
    p.add_argument("out", type=Path)
    p.add_argument("--background", type=int, default=100_000)
    p.add_argument("--real", type=int, default=300)
    p.add_argument("--drain", type=int, default=10_000)
    p.add_argument("--spacing", type=float, default=0.1)
    args = p.parse_args(argv)
    result = run(args.url, args.background, args.real, args.drain, args.spacing)
    args.out.write_text(json.dumps(result, default=str))


# --- both databases, from ``python -m bench`` --------------------------------------------------------
def measure(tmp: Path, *, postgres: bool, sizes: dict[str, int]) -> dict[str, Any]:
    """Run the timer bench on SQLite and (unless switched off) PostgreSQL, each in a process."""
    import os
    import subprocess

    from bench.flows import ROOT
    from bench.machine import load
    from bench.postgres import Postgres, PostgresUnavailable

    def one(label: str, url: str) -> dict[str, Any]:
        out = tmp / f"timers-{label}.json"
        cmd = [sys.executable, "-m", "bench.timers", url, str(out)]
        cmd += [f"--{k}={v}" for k, v in sizes.items()]
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
        result: dict[str, Any] = json.loads(out.read_text())
        result["wall_s"] = time.perf_counter() - t0
        return result

    results: dict[str, Any] = {"sizes": sizes, "load_before": load()}
    print(f"bench: timers on SQLite ({sizes})", file=sys.stderr)
    results["sqlite"] = one("sqlite", f"sqlite:///{tmp}/timers.db")
    if postgres:
        try:
            with Postgres.open() as pg:
                print(f"bench: timers on PostgreSQL {pg.settings['server_version']} ({pg.where})", file=sys.stderr)
                results["postgresql"] = one("postgresql", pg.new_database("timers"))
                results["postgresql"]["server"] = {"where": pg.where, **pg.settings}
        except PostgresUnavailable as exc:
            results["postgresql_skipped"] = str(exc)
    results["load_after"] = load()
    return results


if __name__ == "__main__":
    main(sys.argv[1:])

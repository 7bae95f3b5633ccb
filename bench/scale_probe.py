"""Measure the endpoints of one loaded database through the real Flask app, in-process.

Server time is the wall time around each request of the test client (or around the scheduler's
``fire_due``); every request after a few warm-up ones is measured, each with another target (case,
cursor, business key) where the endpoint has one. The SQL statements are caught on the engine
(``before/after_cursor_execute``); the statement that took the most time over an endpoint's
requests is explained afterwards with the parameters of its slowest run: ``EXPLAIN (ANALYZE,
BUFFERS)`` on PostgreSQL, ``EXPLAIN QUERY PLAN`` on SQLite.
"""

from __future__ import annotations

import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, select

from bench.stats import median, percentile

WARMUP = 5
PROBE_SECONDS = float(os.environ.get("BENCH_SCALE_PROBE_SECONDS", "60"))  # per endpoint, then it stops
PLAN_LINES = 60
USERS = ("quality", "supervisor", "agent", "admin")
Call = Callable[[int], tuple[int, int]]  # request number -> (status, response bytes)


@dataclass
class Probe:
    """One endpoint as one user: the requests it sends, in turn."""

    name: str
    call: Call


@dataclass
class Statements:
    """The statements an engine sends while ``active``: (statement, parameters, seconds)."""

    engine: Engine
    active: bool = False
    seen: list[tuple[str, Any, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        event.listen(self.engine, "before_cursor_execute", self._before)
        event.listen(self.engine, "after_cursor_execute", self._after)

    def _before(self, conn: Any, _cursor: Any, _statement: str, _parameters: Any, _context: Any, _many: bool) -> None:
        conn.info["bench_t0"] = time.perf_counter()

    def _after(self, conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, many: bool) -> None:
        if self.active:
            self.seen.append((statement, None if many else parameters, time.perf_counter() - conn.info["bench_t0"]))


# --- logging in ------------------------------------------------------------------------------------
def api_token(client: FlaskClient, username: str) -> str:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": username})
    assert r.status_code == 200, r.get_data(as_text=True)
    token: str = r.get_json()["token"]
    return token


def web_client(app: Flask, username: str) -> FlaskClient:
    """A browser session logged in through the login form (with its CSRF token)."""
    from app.http import CSRF_SESSION_KEY

    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        csrf = session.get(CSRF_SESSION_KEY, "")
    r = client.post("/login", data={"username": username, "password": username, "csrf_token": csrf})
    assert r.status_code == 302, f"web login of {username}: {r.status_code}"
    return client


class Requests:
    """GET requests for probes, as logged-in users: the API with a user's bearer token, the
    pages with a user's browser session."""

    def __init__(self, app: Flask, api_users: Iterable[str], web_users: Iterable[str]) -> None:
        self.client = app.test_client()
        self.auth = {u: {"Authorization": f"Bearer {api_token(self.client, u)}"} for u in api_users}
        self.web = {u: web_client(app, u) for u in web_users}

    def api(self, user: str, paths: list[str]) -> Call:
        """Request ``i`` gets ``paths[i]`` (in turn) from the API as ``user``."""

        def call(i: int) -> tuple[int, int]:
            r = self.client.get(paths[i % len(paths)], headers=self.auth[user])
            return r.status_code, len(r.get_data())

        return call

    def page(self, user: str, paths: list[str]) -> Call:
        """Request ``i`` gets the page ``paths[i]`` (in turn) in ``user``'s browser session."""

        def call(i: int) -> tuple[int, int]:
            r = self.web[user].get(paths[i % len(paths)])
            return r.status_code, len(r.get_data())  # a streamed body (a CSV export) is read to its end

        return call


# --- targets ---------------------------------------------------------------------------------------
class Targets:
    """Cases, business keys and cursors that the requests vary over."""

    def __init__(self, app: Flask, info: dict[str, Any], count: int) -> None:
        from app.models import ProcessInstance, User
        from app.services import visibility

        rt = app.extensions["runtime"]
        rng = random.Random(42)
        first, n = info["first_id"], info["cases"]
        self.ids = [first + rng.randrange(n) for _ in range(count)]
        with rt.sessions() as session:
            rows = session.execute(select(ProcessInstance.business_key).where(ProcessInstance.id.in_(self.ids)))
            self.keys = [k for (k,) in rows]
            quality = session.scalars(select(User).where(User.username == "quality")).one()
            self.visible: list[int] = []
            self.hidden: list[int] = []
            for _ in range(20 * count):
                case = first + rng.randrange(n)
                seen = session.scalar(visibility.visibility_check(quality, case)) is not None
                (self.visible if seen else self.hidden).append(case)
                if len(self.visible) >= count and len(self.hidden) >= count:
                    break
        self.cursors: list[str] = []


def _cursors(client: FlaskClient, headers: dict[str, str], pages: int) -> list[str]:
    """The X-Next-Cursor of the first ``pages`` pages of an inbox."""
    cursors: list[str] = []
    path = "/api/v1/tasks"
    for _ in range(pages):
        cursor = client.get(path, headers=headers).headers.get("X-Next-Cursor")
        if not cursor:
            break
        cursors.append(cursor)
        path = f"/api/v1/tasks?cursor={cursor}"
    return cursors


def probes(app: Flask, targets: Targets) -> list[Probe]:
    from app.services import timer_firing

    rt = app.extensions["runtime"]
    requests = Requests(app, USERS, ("quality", "admin"))
    api, page = requests.api, requests.page
    cursors = _cursors(requests.client, requests.auth["quality"], 20)

    def poll(_i: int) -> tuple[int, int]:
        return 200 if timer_firing.fire_due(rt) == 0 else 299, 0

    cases = [f"/api/v1/process-instances/{i}" for i in targets.ids]
    listing = "/api/v1/process-instances"
    return [
        Probe("`GET /api/v1/tasks` quality", api("quality", ["/api/v1/tasks"])),
        Probe("`GET /api/v1/tasks` supervisor", api("supervisor", ["/api/v1/tasks"])),
        Probe("`GET /api/v1/tasks` customer service (agent)", api("agent", ["/api/v1/tasks"])),
        Probe("`GET /api/v1/tasks?sort=due` quality", api("quality", ["/api/v1/tasks?sort=due"])),
        Probe("`GET /api/v1/tasks?scope=all` admin", api("admin", ["/api/v1/tasks?scope=all"])),
        Probe(
            f"`GET /api/v1/tasks?cursor=…` quality, pages 2 to {len(cursors) + 1}",
            api("quality", [f"/api/v1/tasks?cursor={c}" for c in cursors] or ["/api/v1/tasks"]),
        ),
        Probe("web inbox `/` quality", page("quality", ["/"])),
        Probe("`GET /api/v1/process-instances/{id}` admin", api("admin", cases)),
        Probe("web case page `/instances/{id}` admin", page("admin", [f"/instances/{i}" for i in targets.ids])),
        Probe("`GET /api/v1/process-instances` admin", api("admin", [listing])),
        Probe("`GET /api/v1/process-instances` quality", api("quality", [listing])),
        Probe("`…/process-instances?status=running` admin", api("admin", [f"{listing}?status=running"])),
        Probe(
            "`…/process-instances?process_key=complaint_handling` admin",
            api("admin", [f"{listing}?process_key=complaint_handling"]),
        ),
        Probe(
            "`…/process-instances?business_key=…` admin",
            api("admin", [f"{listing}?business_key={k}" for k in targets.keys]),
        ),
        Probe(
            "`…/process-instances?severity=…&customer=…` admin (filtered: a level and a surname's start)",
            api("admin", [f"{listing}?severity={lv}&customer={sn}" for lv, sn in zip("BCDA", "王李张刘", strict=True)]),
        ),
        Probe("web `/instances` admin", page("admin", ["/instances"])),
        Probe(
            "visibility: quality opens a case it may see",
            api("quality", [f"/api/v1/process-instances/{i}" for i in targets.visible] or cases[:1]),
        ),
        Probe(
            "visibility: quality opens a case it may not see",
            api("quality", [f"/api/v1/process-instances/{i}" for i in targets.hidden] or cases[:1]),
        ),
        Probe("scheduler poll (`timer_firing.fire_due`, nothing due)", poll),
    ]


# --- measuring -------------------------------------------------------------------------------------
def _plan(engine: Engine, statement: str, parameters: Any) -> list[str]:
    """The plan of one statement with its parameters (its effects rolled back)."""
    pg = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if pg else "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(prefix + statement, parameters or ()).all()
        conn.rollback()
    if pg:
        lines = [r[0] for r in rows]
    else:  # (id, parent, notused, detail): indent each step under its parent
        depth: dict[int, int] = {0: -1}
        lines = []
        for node, parent, _unused, detail in rows:
            depth[node] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node] + detail)
    return lines[:PLAN_LINES] + ([f"… ({len(lines) - PLAN_LINES} more lines)"] if len(lines) > PLAN_LINES else [])


def _slowest(seen: list[tuple[str, Any, float]]) -> tuple[str, Any, float, int] | None:
    """The query that took the most time in total, the parameters of its slowest run, its share."""
    total: Counter[str] = Counter()
    worst: dict[str, tuple[float, Any]] = {}
    for statement, parameters, seconds in seen:
        if not statement.lstrip().upper().startswith(("SELECT", "WITH")):
            continue
        total[statement] += seconds
        if seconds >= worst.get(statement, (-1.0, None))[0]:
            worst[statement] = (seconds, parameters)
    if not total:
        return None
    statement, seconds = total.most_common(1)[0]
    everything = sum(s for _, _, s in seen) or 1.0
    return statement, worst[statement][1], worst[statement][0], round(100 * seconds / everything)


def run(probe: Probe, statements: Statements, requests: int) -> dict[str, Any]:
    """Warm up, then measure up to ``requests`` requests; an endpoint that is slow at this size
    stops after ``PROBE_SECONDS`` (with at least 3 measured requests)."""
    started = time.perf_counter()
    for i in range(WARMUP):
        probe.call(i)
        if time.perf_counter() - started > PROBE_SECONDS / 4:
            break
    times, sizes, counts, sql_times, codes = [], [], [], [], Counter[int]()
    seen: list[tuple[str, Any, float]] = []
    started = time.perf_counter()
    for i in range(requests):
        statements.seen = []
        statements.active = True
        t0 = time.perf_counter()
        status, size = probe.call(WARMUP + i)
        times.append(time.perf_counter() - t0)
        statements.active = False
        sizes.append(size)
        counts.append(len(statements.seen))
        sql_times.append(sum(seconds for _, _, seconds in statements.seen))
        codes[status] += 1
        seen += statements.seen
        if time.perf_counter() - started > PROBE_SECONDS and i >= 2:
            break
    result: dict[str, Any] = {
        "name": probe.name,
        "requests": len(times),
        "p50_ms": 1000 * median(times),
        "p95_ms": 1000 * percentile(times, 95),
        "max_ms": 1000 * max(times),
        "statements": median(counts),
        "sql_ms": 1000 * median(sql_times),
        "bytes": median(sizes),
        "status": {str(k): v for k, v in sorted(codes.items())},
    }
    slowest = _slowest(seen)
    if slowest is not None:
        statement, parameters, seconds, share = slowest
        result["slowest"] = {"sql": statement, "ms": 1000 * seconds, "share_pct": share}
        try:
            result["plan"] = _plan(statements.engine, statement, parameters)
        except Exception as exc:  # a plan that cannot be shown must not lose the figures
            result["plan"] = [f"(no plan: {type(exc).__name__}: {exc})"]
    return result


def run_each(statements: Statements, probes: list[Probe], requests: int) -> list[dict[str, Any]]:
    """Every probe's figures (``run``), in order, each logged as it is measured."""
    results = []
    for probe in probes:
        result = run(probe, statements, requests)
        print(
            f"      {result['p50_ms']:8.1f} ms p50 {result['p95_ms']:8.1f} ms p95  {probe.name}",
            flush=True,
            file=sys.stderr,
        )
        results.append(result)
    return results


def measure(app: Flask, info: dict[str, Any], *, requests: int) -> list[dict[str, Any]]:
    """Every endpoint's figures, in the order of ``probes``."""
    rt = app.extensions["runtime"]
    targets = Targets(app, info, requests)
    statements = Statements(rt.db)
    return run_each(statements, probes(app, targets), requests)

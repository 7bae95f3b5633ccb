"""The "Scale" section of docs/benchmarks.md, from the results of ``bench.scale.measure``."""

from __future__ import annotations

from typing import Any

GOAL_P95_MS = {"postgresql": 20.0, "sqlite": 50.0}  # the goal, at 1 M cases
GOAL_SIZE = 1_000_000
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
TABLES = (
    ("process_instances", "cases"),
    ("tasks", "tasks"),
    ("task_candidate_groups", "candidate-group rows"),
    ("instance_groups", "instance_groups rows"),
    ("timers", "timers"),
    ("audit_entries", "history entries"),
)


def _size(n: int) -> str:
    return f"{n // 1_000_000} M" if n % 1_000_000 == 0 else f"{n // 1000} k" if n % 1000 == 0 else f"{n:,}"


def _ms(value: float) -> str:
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _bytes(n: float) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} B"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "| --- |" + " ---: |" * (len(header) - 1),
        *("| " + " | ".join(r) + " |" for r in rows),
    ]


def _shape(results: dict[str, Any]) -> list[str]:
    runs = [(db, r) for db in NAMES for r in results.get(db, {}).values()]
    state = runs[0][1]["load"]["state_bytes"] if runs else 2000
    lines = [
        "Code: `bench/scale.py` (runner), `bench/scale_shape.py` and `bench/scale_data.py` (generator),",
        "`bench/scale_probe.py` (measurements). Per database and size, in a process of its own on a fresh",
        "database: `setup_product` (migrations, the deployed `complaint_handling`, the demo users), then the",
        "cases in bulk SQL (a temporary table of per-case attributes, then one `INSERT ... SELECT` per table;",
        "secondary indexes dropped during the load and rebuilt from their own definitions; SQLite without",
        "journal and fsync during the load only), then planner statistics.",
        "",
        "**Shape**: created evenly over two years, ids increasing with time, business keys as the product",
        "makes them (`TS<yyyymmdd>-<id>`). 70 % closed (`completed`, `ended_at` set; the 9 user tasks of the",
        "diagram's main path completed, each by a demo user of its group, with `completed_by` set; timers",
        "`fired` / `cancelled`). 30 % open (`running`, 1 % `error` with an incident, 1 % `suspended`): the",
        "tasks before the current one completed and exactly **one ready task**, at a step drawn so that",
        "customer service's, the supervisors' and the departments' inboxes are all large (the department",
        "from the subject by the `subject_department` table: 40 % quality); element ids, names, lanes, form keys",
        "and candidate groups read from the deployed diagram; 10 % of ready tasks assigned, 85 % with a due",
        "time (some overdue); one or two pending timers per open case due over the next four weeks.",
        "History: `instance_started`, `task_created` / `task_completed` per task, `instance_completed`.",
        f"`state_json`: {state:,} bytes of random hex (`BENCH_SCALE_STATE_BYTES`; PostgreSQL cannot",
        "compress it away); `variables`: customer name and phone, subject, amount, channel, business key.",
        "",
    ]
    header = ["database", "size", "load s", "statistics s", *(label for _, label in TABLES), "database size"]
    header += ["peak RSS", "run s"]
    rows = []
    for db, r in runs:
        load = r["load"]
        counts = [f"{load['rows'][t]:,}" if t in load["rows"] else "—" for t, _ in TABLES]
        rows.append(
            [
                NAMES[db],
                _size(r["size"]),
                f"{load['load_s']:.0f}",
                f"{load['analyze_s']:.0f}",
                *counts,
                _bytes(load["db_bytes"]),
                f"{r['peak_rss_mb']:.0f} MB",
                f"{r['wall_s']:.0f}",
            ]
        )
    lines += [*_table(header, rows), ""]
    lines += [
        "*load s* is the whole generator (per-case attributes in Python, inserts, index rebuild, one",
        "transaction); *statistics s* gathering the planner statistics after it (below);",
        "*peak RSS* the measuring process's (the app serving every request; the load runs in a process",
        "of its own); *run s* load, statistics and every measurement.",
        "",
        "**Planner statistics** are those the product would have: on PostgreSQL `VACUUM ANALYZE` after the",
        "load, which autovacuum does by itself soon after so many inserts (the product's setup runs",
        "`ANALYZE` too); on SQLite the product's own `app.db.refresh_statistics(full=True)`, as `flask",
        "setup` leaves a database: `ANALYZE` sampled with `PRAGMA analysis_limit=2000` (the scheduler runs",
        "`PRAGMA optimize` every `STATISTICS_HOURS`). Without them SQLite plans these queries blind.",
        "",
    ]
    return lines


def _goal(db: str, by_size: dict[str, Any], index: int) -> str:
    largest = max(int(s) for s in by_size)
    e = by_size[str(largest)]["endpoints"][index]
    goal = GOAL_P95_MS[db]
    verdict = "met" if e["p95_ms"] <= goal else f"**missed by {e['p95_ms'] - goal:,.0f} ms**"
    if e["p95_ms"] > goal:  # where the time goes: in the database, or in Python (ORM, JSON, templates)
        verdict += f", SQL {_ms(e.get('sql_ms', 0))} of {_ms(e['p50_ms'])} ms at p50"
    return verdict if largest >= GOAL_SIZE else f"{verdict} (at {_size(largest)})"


def results_table(db: str, by_size: dict[str, Any]) -> list[str]:
    sizes = sorted(by_size, key=int)
    header = ["endpoint"]
    for s in sizes:
        label = _size(int(s))
        header += [f"{label} p50 ms", f"{label} p95 ms", f"{label} SQL", f"{label} bytes"]
    header.append(f"p95 ≤ {GOAL_P95_MS[db]:g} ms")
    first = by_size[sizes[0]]["endpoints"]
    rows = []
    for i, endpoint in enumerate(first):
        row = [endpoint["name"]]
        for s in sizes:
            e = by_size[s]["endpoints"][i]
            statuses = ", ".join(e["status"])
            few = f" (n={e['requests']})" if e["requests"] < 20 else ""  # a slow endpoint stops early
            row += [
                _ms(e["p50_ms"]),
                _ms(e["p95_ms"]) + few,
                f"{e['statements']:g}",
                f"{_bytes(e['bytes'])} ({statuses})",
            ]
        row.append(_goal(db, by_size, i))
        rows.append(row)
    return _table(header, rows)


def plans(db: str, by_size: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for s in sorted(by_size, key=int):
        for e in by_size[s]["endpoints"]:
            slowest = e.get("slowest")
            if slowest is None:
                continue
            summary = (
                f"{NAMES[db]} {_size(int(s))}: {e['name']} — slowest statement {slowest['ms']:.1f} ms, "
                f"{slowest['share_pct']} % of its SQL time"
            )
            lines += [
                "<details>",
                f"<summary>{summary}</summary>",
                "",
                "```sql",
                slowest["sql"].strip(),
                "```",
                "",
                "```",
                *e.get("plan", []),
                "```",
                "",
                "</details>",
                "",
            ]
    return lines


def section(results: dict[str, Any]) -> list[str]:
    """The "Scale" section of docs/benchmarks.md."""
    if not results or not any(results.get(db) for db in (*NAMES, "failed")):
        return ["## Scale", "", "Not measured in this run (`--no-scale`, `BENCH_SCALE=0`)."]
    lines = ["## Scale", "", *_shape(results)]
    run = next((r for db in NAMES for r in results.get(db, {}).values()), {})
    requests, budget = run.get("requests", 150), run.get("probe_seconds", 60)
    lines += [
        "**Measured** in-process through the real Flask app (`create_app` on the bench database, the",
        "scheduler not started, the test client): server time = wall time around each request, after 5",
        "warm-up requests, each request with another target where the endpoint has one (random cases and",
        f"business keys, the cursors of the first 20 inbox pages); {requests} requests (`BENCH_SCALE_REQUESTS`), or",
        f"as many as fit in {budget:g} s (`BENCH_SCALE_PROBE_SECONDS`, at least 3: *n* shown when under 20);",
        "*SQL* = statements per request (median, `BEGIN` included); *bytes* = response size (median) with",
        "the status codes seen; a missed goal shows the median time spent in SQL statements (the rest is",
        "Python: routing, ORM objects, JSON, templates). API calls carry a",
        "bearer token, pages a session logged in through the login form. The visibility rows: the quality",
        "user opens cases it may see (a task of its group, now or before) and cases it may not.",
        f"Goal (issue 10): p95 ≤ {GOAL_P95_MS['postgresql']:g} ms at 1 M cases on PostgreSQL, "
        f"≤ {GOAL_P95_MS['sqlite']:g} ms on SQLite.",
        "",
    ]
    for db in NAMES:
        if results.get(db):
            lines += [f"### {NAMES[db]}", "", *results_table(db, results[db]), ""]
    for failure in results.get("failed", []):
        lines += [f"**Not measured**: {failure}.", ""]
    if "postgresql_skipped" in results:
        lines += [f"PostgreSQL not measured: {results['postgresql_skipped']}.", ""]
    if "postgresql_server" in results:
        server = results["postgresql_server"]
        lines += [
            f"PostgreSQL {server.get('server_version')}: {server.get('where')} "
            f"(shared_buffers={server.get('shared_buffers')}).",
            "",
        ]
    lines += [
        f"Load average (1/5/15 min) {results.get('load_before', '?')} before, {results.get('load_after', '?')} after.",
        "",
        "### Plans",
        "",
        "Per endpoint, the statement that took the most time over its requests, with the parameters of its",
        "slowest run: `EXPLAIN (ANALYZE, BUFFERS)` on PostgreSQL, `EXPLAIN QUERY PLAN` on SQLite.",
        "",
    ]
    for db in NAMES:
        if results.get(db):
            lines += plans(db, results[db])
    return lines

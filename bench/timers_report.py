"""The "Timers" section of docs/benchmarks.md, from the results of ``bench.timers.measure``."""

from __future__ import annotations

from typing import Any

TARGET_P99_S = 1.0  # the target for timer lateness


def section(results: dict[str, Any]) -> list[str]:
    """The "Timers" section of docs/benchmarks.md."""
    if not results:
        return ["## Timers", "", "Not measured in this run (`--no-timers`)."]
    sizes = results["sizes"]
    dbs = [db for db in ("sqlite", "postgresql") if db in results]
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    lines = [
        "## Timers",
        "",
        f"Code: `bench/timers.py`. Per database, in a process of its own on a fresh database: "
        f"**{sizes['background']:,} pending timers** (due in 1 h to 30 days, bulk-inserted rows of 10 real "
        f"instances) stay in the `timers` table throughout; the product scheduler (`start_scheduler`: "
        f"APScheduler in the process, real clock, polling every {results[dbs[0]]['poll_s']} s) does the firing.",
        "",
        f"- **Lateness**: {sizes['real']} instances started through `instances.start` (start → `timeDate` "
        f"timer → end), their timers due {sizes['spacing']} s apart; lateness = `fired_at - due_at` of each "
        "(`fired_at` is stamped as the fired instance is saved, just before its commit).",
        f"- **Drain**: {sizes['drain']:,} instances (cloned from a real one: engine state with fresh task ids, "
        "and its timer row) with timers due within one minute, all overdue when the scheduler starts; "
        "the time until every one has fired (one scheduler, one instance per transaction).",
        "",
        f"Target: lateness p99 ≤ {TARGET_P99_S:g} s.",
        "",
    ]
    rows = []
    for db in dbs:
        r = results[db]
        lat, dr = r["lateness"], r["drain"]
        met = "met" if lat["p99_s"] <= TARGET_P99_S else "**missed**"
        rows.append(
            [
                names[db],
                f"{r['load']['pending']:,}",
                f"{lat['p50_s']:.3f}",
                f"{lat['p99_s']:.3f}",
                f"{lat['max_s']:.3f}",
                met,
                f"{dr['seconds']:.1f}",
                f"{dr['per_s']:.0f}",
                f"{1000 / dr['per_s']:.1f}",
                f"{dr['statements_per_timer']:.1f}",
            ]
        )
    header = [
        "database",
        "pending timers",
        "lateness p50 s",
        "lateness p99 s",
        "lateness max s",
        f"p99 ≤ {TARGET_P99_S:g} s",
        f"drain {sizes['drain']:,} s",
        "drained timers/s",
        "ms per timer",
        "SQL statements per timer",
    ]
    lines += [
        "| " + " | ".join(header) + " |",
        "| --- |" + " ---: |" * (len(header) - 1),
        *("| " + " | ".join(r) + " |" for r in rows),
        "",
    ]
    if "postgresql_skipped" in results:
        lines += [f"PostgreSQL not measured: {results['postgresql_skipped']}.", ""]
    lines += [
        f"Load average (1/5/15 min) {results.get('load_before', '?')} before, {results.get('load_after', '?')} "
        "after: other work on the machine lengthens the drain far more than the lateness.",
        "",
    ]
    lines += [
        "Where the lateness comes from: a timer waits for the next poll (uniform over the 0.25 s interval,",
        "so about 0.125 s at the median and up to 0.25 s), then for the instance to be loaded, run and saved.",
        "The pending backlog does not add to it: the due-timer query (`timers.due_query`: pending rows due",
        "before now, oldest first, `FOR UPDATE SKIP LOCKED` on PostgreSQL) reads only the due end of",
        f"`ix_timer_status_due`. Its plan at the start of the drain ({sizes['drain']:,} due rows, the",
        f"{sizes['background']:,} future ones behind them):",
        "",
    ]
    for db in dbs:
        plan = results[db]["drain"]["plan"]
        lines += [f"{names[db]}:", "", "```", *plan, "```", ""]
    lines += [
        "The drain rate is the scheduler's cost per timer: one transaction per instance that claims the",
        "timer row, locks and loads the instance, runs the engine, saves it with its timer row, history",
        "and tasks, and commits. On PostgreSQL most of it is waiting for the server (a statement is a",
        "round trip, and every commit waits for its WAL flush with the default `synchronous_commit=on`);",
        "SQLite commits in WAL mode with `synchronous=NORMAL`, without an fsync per commit. A second",
        "scheduler process on PostgreSQL shares the work (`tests/timers/test_schedulers.py`: two",
        "processes fire 2,500 timers, each exactly once).",
    ]
    return lines

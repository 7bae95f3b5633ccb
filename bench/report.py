"""docs/benchmarks.md: the figures of one run, and what they mean."""

from __future__ import annotations

import math
from typing import Any

from bench import console_report, scale_report, timers_report
from bench.findings import CHANGES, findings, interpretation
from bench.flows import Flow

MODE_NAMES = {
    "bare": "(a) bare engine, stock serializer",
    "bare_ref": "(a') bare engine, spec by reference",
    "product": "(b) product, service layer",
    "http": "(c) product, HTTP API",
}


def _num(value: float | None, digits: int = 2) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:,.{digits}f}"


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]], align: str | None = None) -> list[str]:
    sep = align.split(",") if align else ["---"] + ["---:"] * (len(header) - 1)
    return [_row(header), _row(sep), *(_row(r) for r in rows)]


def _results_table(figs: dict[str, Any], db: str, flow: str) -> list[str]:
    base = figs.get(f"{db}/{flow}/bare")
    ref = figs.get(f"{db}/{flow}/bare_ref")
    rows = []
    for mode, name in MODE_NAMES.items():
        f = figs.get(f"{db}/{flow}/{mode}")
        if f is None:
            continue
        med = f["ms_per_task_median"]
        rows.append(
            [
                name,
                _num(med),
                _num(f["ms_per_task_p95"]),
                _num(f["instances_per_s"], 1),
                _num(f["tasks_per_s"], 0),
                _num(med / base["ms_per_task_median"]) + "x" if base else "-",
                _num(med / ref["ms_per_task_median"]) + "x" if ref else "-",
                _num(f["sql_per_task"], 1),
                f"{f['cpu_share']:.0%}",
                _num(f.get("cpu_ms_per_task")),
                _num(f["peak_rss_mb"], 0),
                " / ".join(_num(m) for m in f.get("round_medians", [med])),
            ]
        )
    header = [
        "mode",
        "ms/task median",
        "ms/task p95",
        "instances/s",
        "user tasks/s",
        "x bare",
        "x bare (spec by ref)",
        "SQL statements/task",
        "client CPU",
        "client CPU ms/task",
        "peak RSS MB",
        "median of each round",
    ]
    return _table(header, rows, "---" + ",---:" * (len(header) - 1))


def _ops_table(figs: dict[str, Any], flow: str) -> list[str]:
    rows = []
    for key, f in figs.items():
        db, fl, mode = key.split("/")
        if fl != flow:
            continue
        ops = f["ops"]
        cells = [f"{MODE_NAMES[mode]}, {db}"]
        for kind in ("start", "list", "complete"):
            op = ops.get(kind)
            cells.append(f"{_num(op['median'])} / {_num(op['p95'])}" if op else "-")
        rows.append(cells)
    return _table(["mode, database", "start", "list (GET /tasks)", "complete"], rows, "---,---:,---:,---:")


def _storage_table(figs: dict[str, Any], flow: str) -> list[str]:
    rows = []
    for mode in MODE_NAMES:
        f = figs.get(f"sqlite/{flow}/{mode}")
        if f is None:
            continue
        wait = (
            f"{_num(f['state_bytes_median'], 0)} / {_num(f['state_bytes_max'], 0)}"
            if f["state_bytes_median"] is not None
            else "as (b)"
        )
        rows.append(
            [
                MODE_NAMES[mode],
                wait,
                _num(f["final_state_chars"], 0) if f["final_state_chars"] is not None else "-",
                _num(f["task_rows_per_instance"], 1) if f["task_rows_per_instance"] is not None else "-",
                _num(f["audit_rows_per_instance"], 1) if f["audit_rows_per_instance"] is not None else "-",
            ]
        )
    return _table(
        [
            "mode",
            "engine state at a wait, bytes (median / max)",
            "final state, chars",
            "task rows / instance",
            "audit rows / instance",
        ],
        rows,
        "---,---:,---:,---:,---:",
    )


def _profile_section(profiles: dict[str, Any], n: int) -> list[str]:
    if not profiles:
        return ["Profiling was switched off for this run (`--profile-n 0`)."]
    lines = [
        f"cProfile over {n} instances per mode on SQLite, after the warm-up. Times are ms per completed",
        "user task *under the profiler* (it roughly doubles them): compare shares and differences,",
        "not absolute values with the tables above.",
        "",
        "Self time by where the code lives:",
        "",
    ]
    modes = [m for m in ("bare_ref", "product", "http") if m in profiles]
    buckets: list[str] = []
    for m in modes:
        for name, _ms in profiles[m]["buckets"]:
            if name not in buckets:
                buckets.append(name)
    per = {m: dict(profiles[m]["buckets"]) for m in modes}
    rows = []
    for b in buckets:
        cells = [b] + [_num(per[m].get(b, 0.0)) for m in modes]
        if "bare_ref" in per and "http" in per:
            cells.append(_num(per["http"].get(b, 0.0) - per["bare_ref"].get(b, 0.0)))
        rows.append(cells)
    total = ["**total**"] + [f"**{_num(profiles[m]['total_ms_per_task'])}**" for m in modes]
    if "bare_ref" in per and "http" in per:
        total.append(f"**{_num(profiles['http']['total_ms_per_task'] - profiles['bare_ref']['total_ms_per_task'])}**")
    rows.append(total)
    header = ["bucket"] + [MODE_NAMES[m] for m in modes]
    if "bare_ref" in per and "http" in per:
        header.append("(c) - (a')")
    lines += _table(header, rows)
    for mode in ("http", "product"):
        if mode not in profiles:
            continue
        lines += ["", f"Product functions by cumulative time, {MODE_NAMES[mode]} (ms per user task):", ""]
        rows = []
        for f in profiles[mode]["product_cumulative"]:
            rows.append([f"`{f['func']}`", _num(f["calls_per_task"], 1), _num(f["cum_ms"]), interpretation(f["func"])])
        lines += _table(["function", "calls/task", "cum ms", "what it is"], rows, "---,---:,---:,---")
    if "http" in profiles:
        lines += ["", f"Most expensive functions by self time, {MODE_NAMES['http']}:", ""]
        rows = [
            [f"`{f['func']}`", _num(f["calls_per_task"], 1), _num(f["self_ms"]), _num(f["cum_ms"])]
            for f in profiles["http"]["top_self"]
        ]
        lines += _table(["function", "calls/task", "self ms", "cum ms"], rows, "---,---:,---:,---:")
    return lines


def _busy_machine(machine: dict[str, Any]) -> list[str]:
    """A warning before the findings when other work loaded the machine beyond its cores."""
    loads = [
        float(one)
        for one in (str(machine.get(w, "")).split(" / ")[0] for w in ("load_before", "load"))
        if one.replace(".", "", 1).isdigit()
    ]
    cores = machine.get("affinity") or machine.get("cores") or 1
    if not loads or max(loads) <= cores:
        return []
    return [
        f"**Measured on a busy machine**: 1-minute load average {min(loads):.1f} to {max(loads):.1f} on "
        f"{cores} cores (other work running). Every mode is slowed down, unevenly and from one round to the "
        "next: absolute times are several times those of a quiet machine, and even the ratios between modes "
        "move by tens of percent from one run to the next. The counts (SQL statements per task, state bytes, "
        "rows) do not depend on the load; compare those, and times only within one run.",
        "",
    ]


def render(
    *,
    machine: dict[str, Any],
    args: dict[str, Any],
    flow: Flow,
    small: Flow | None,
    figures: dict[str, Any],
    profiles: dict[str, Any],
    postgres: dict[str, Any],
    duration_s: float,
    timers: dict[str, Any] | None = None,
    scale: dict[str, Any] | None = None,
    console: dict[str, Any] | None = None,
) -> str:
    if "server_version" in postgres:
        pg = (
            f"{postgres['server_version']} — {postgres['where']} (fsync={postgres['fsync']}, "
            f"synchronous_commit={postgres['synchronous_commit']}, shared_buffers={postgres['shared_buffers']})"
        )
    else:
        pg = f"not measured: {postgres.get('skipped', 'switched off (--no-postgres)')}"
    affinity = machine.get("affinity")
    cores = f"{machine['cores']}" + (f" ({affinity} usable)" if affinity and affinity != machine["cores"] else "")
    out: list[str] = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python -m bench`, code in `bench/`); every run rewrites this file, keeping",
        "the Timers, Scale and Console sections of the previous one when it skips them (`--no-timers` …).",
        "",
        *_table(
            ["", ""],
            [
                ["date", machine["date"]],
                ["commit", f"`{machine['commit']}`"],
                ["machine", f"{cores} cores, {machine['cpu']}, {machine['os']}"],
                ["load average", f"{machine['load_before']} before, {machine['load']} after (1/5/15 min)"],
                ["Python", machine["python"]],
                ["SQLite", f"{machine['sqlite']} (WAL, synchronous=NORMAL, BEGIN IMMEDIATE: the product's settings)"],
                ["PostgreSQL", pg],
                [
                    "libraries",
                    f"SpiffWorkflow {machine['spiffworkflow']}, SQLAlchemy {machine['sqlalchemy']}, "
                    f"Flask {machine['flask']}",
                ],
                [
                    "run",
                    f"{args['rounds']} rounds per mode (modes in order, then in reverse order) of {args['n']} "
                    f"measured instances after {args['warmup']} warm-up ones; one client, sequential; a fresh "
                    f"database per mode and round; {duration_s:.0f} s in all",
                ],
            ],
            "---,---",
        ),
        "",
        "## What is measured",
        "",
        f"**Flow**: {flow.description}.",
        "",
        "**Modes** — each in a process of its own (so peak RSS is that mode's), on a database of its own:",
        "",
        "- **(a) bare engine**: `SpiffBpmnParser` once, then per instance `BpmnWorkflow` and a tiny loop;",
        "  at every wait the state is serialized and committed with SQLAlchemy Core, and read back and",
        "  deserialized before the next task. Service tasks call the same handlers through a plain",
        "  `TaskDataEnvironment`. No forms, task table, audit or sandbox. *Stock serializer*: SpiffWorkflow's",
        "  `BpmnWorkflowSerializer`, which writes the spec into every state. **(a')** is the same loop with the",
        "  spec left out of the state (`app/engine/serialization.py`, as the product stores it): the tighter",
        "  floor, and the one to compare the product with.",
        "- **(b) product, service layer**: `instances.start` / `tasks.complete` in one product session and",
        "  one commit per operation (as one request or job does), plus one query for the next ready task.",
        "  Form validation, sandboxed scripts, task table, candidate groups, audit, optimistic lock: all in.",
        "- **(c) product, HTTP API**: Flask's test client (full WSGI request handling, JSON, bearer-token",
        "  auth on every request): `POST /process-instances`, one `GET /tasks?instance_id=` for the first",
        "  task, then `POST /tasks/{id}/complete`, whose answer (the instance view) names the next task.",
        "",
        "**Figures**: *ms/task* = an instance's total time (start, lookups and every completion) divided by",
        "its user tasks, median and p95 over the instances; *instances/s* and *user tasks/s* = measured",
        "instances (tasks) over the wall time of the loop; *x bare* = ratio of the medians; *SQL",
        "statements/task* counts every statement sent (`BEGIN IMMEDIATE` included); *client CPU* = CPU time",
        "of the benchmark process over wall time (the rest is waiting for the database, fsync included,",
        "or for a core on a busy machine); *client CPU ms/task* = that CPU time over the tasks (mean), the",
        "figure the load of other work distorts least.",
        "Each row is the round with the lowest median (other work on the machine slows a round down,",
        "never speeds it up); the last column shows every round's median, so the noise is visible.",
        "",
    ]
    for db in ("sqlite", "postgresql"):
        if not any(k.startswith(f"{db}/{flow.name}/") for k in figures):
            continue
        title = "SQLite" if db == "sqlite" else "PostgreSQL"
        out += [f"## Results: {flow.name} flow on {title}", "", *_results_table(figures, db, flow.name), ""]
    out += ["### Per operation (ms, median / p95)", "", *_ops_table(figures, flow.name), ""]
    out += [
        "### Engine state and rows kept",
        "",
        *_storage_table(figures, flow.name),
        "",
        "(a) stores the spec in every state; (a'), (b) and (c) store it once per deployed version.",
        "",
    ]
    if small is not None and any(k.startswith(f"sqlite/{small.name}/") for k in figures):
        out += [
            "## Results: small flow on SQLite (compare with the notes' floor table)",
            "",
            f"{small.description}.",
            "",
            *_results_table(figures, "sqlite", small.name),
            "",
        ]
    out += [
        "The notes' floor (`/work/shared/notes/spiffworkflow-3.2.md`, 8-node flow, 2 user tasks, one core):",
        "~1,800 instances/s in memory, ~630 with a JSON round trip at each wait, ~850 with the spec stored",
        "by reference, ~200 with a SQLAlchemy/SQLite commit and reload at each wait — about 2.5 ms per user",
        "task, start included. Mode (a) reproduces that last line.",
        "",
        "## Where the product spends its time beyond the engine",
        "",
        *_profile_section(profiles, args["profile_n"]),
        "",
        "## Findings",
        "",
        *_busy_machine(machine),
        *findings(figures, profiles, flow.name, small.name if small else None),
        "",
        "## Changes made after profiling",
        "",
        *CHANGES,
        "",
        *timers_report.section(timers or {}),
        "",
        *scale_report.section(scale or {}),
        "",
        *console_report.section(console or {}),
        "",
        "## Running it",
        "",
        "`make bench`, or `PYTHONPATH=. .venv/bin/python -m bench [-n N] [--rounds R] [--warmup W]",
        "[--profile-n P] [--flow complaint|bench] [--no-postgres] [--no-small] [--out PATH]`; the same",
        "settings as `BENCH_N`, `BENCH_ROUNDS`, `BENCH_WARMUP`, `BENCH_PROFILE_N`, `BENCH_FLOW`, `BENCH_POSTGRES=0`.",
        "`BENCH_DATABASE_URL=postgresql+psycopg://user@host/db` measures on that server (a database is",
        "created per mode and dropped afterwards); without it a throw-away server is started from",
        "`/usr/lib/postgresql/15/bin` (`BENCH_PG_BIN`) when present. The default run takes about",
        "a minute and a half on 2 cores, the timers (`--no-timers` to skip them, `--timers-only` to",
        "measure only them and replace their section here) about five more. The scale section",
        "(`--no-scale` / `BENCH_SCALE=0` to skip it, `--scale-only` to measure only it; sizes",
        "`BENCH_SCALE_SIZES`, default 100000,1000000) takes the longest: see its load and run times.",
        "The console (`--no-console` / `--console-only`, sizes `BENCH_CONSOLE_SIZES`) likewise. A run that",
        "skips the timers, the scale or the console keeps their section of this file as it was.",
    ]
    return "\n".join(out) + "\n"


def splice_section(text: str, lines: list[str]) -> str:
    """``text`` with its section titled ``lines[0]`` replaced by ``lines`` (added before
    "## Running it" when it has none)."""
    out = text.splitlines()
    title = lines[0]
    if title in out:
        start = out.index(title)
        end = next((i for i in range(start + 1, len(out)) if out[i].startswith("## ")), len(out))
    else:
        start = end = out.index("## Running it") if "## Running it" in out else len(out)
    return "\n".join([*out[:start], *lines, "", *out[end:]]) + "\n"


def _section(lines: list[str], title: str) -> list[str] | None:
    """The lines of the section titled ``title`` (up to the next "## " title, trailing blank lines
    left out), or None when there is none."""
    if title not in lines:
        return None
    start = lines.index(title)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _header_value(lines: list[str], name: str) -> str:
    """A value of the report's header table (``| date | ... |``), or "?"."""
    prefix = f"| {name} | "
    return next((line[len(prefix) : -2] for line in lines if line.startswith(prefix)), "?")


def keep_sections(text: str, previous: str, titles: list[str]) -> str:
    """``text`` with the sections ``titles`` as ``previous`` has them: what a run that skipped
    them (``--no-timers``, ``--no-scale``, ``--no-console``) must not throw away. A kept section
    says when it was measured (the previous report's date and commit, unless it says so itself)."""
    old = previous.splitlines()
    for title in titles:
        lines = _section(old, title)
        if lines is None:
            continue
        if not any(line.startswith("Measured ") for line in lines):
            when = f"{_header_value(old, 'date')} at {_header_value(old, 'commit')}"
            lines[2:2] = [f"Measured {when} (kept from an earlier run of `python -m bench`).", ""]
        text = splice_section(text, lines)
    return text

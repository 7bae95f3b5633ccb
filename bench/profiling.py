"""cProfile of a measured run, reduced to what the report needs.

- self time grouped by where the code lives (engine, SQLAlchemy, driver, JSON, forms, ...);
- the product's own functions by cumulative time (what each step of an operation costs);
- the most expensive functions by self time, whoever owns them.
Times are per completed user task, under the profiler (which inflates them; compare shares).
"""

from __future__ import annotations

import pstats
from typing import Any

# (substring of the file path, or of a built-in's name) -> bucket; first match wins.
_FILE_BUCKETS: list[tuple[str, str]] = [
    ("/SpiffWorkflow/", "engine (SpiffWorkflow)"),
    ("/RestrictedPython/", "sandbox (RestrictedPython)"),
    ("/app/engine/sandbox.py", "sandbox (RestrictedPython)"),
    ("/sqlalchemy/", "SQLAlchemy"),
    ("/psycopg/", "DB driver (psycopg)"),
    ("/psycopg_binary/", "DB driver (psycopg)"),
    ("/sqlite3/", "DB driver (sqlite3)"),
    ("/jsonschema/", "form validation (jsonschema)"),
    ("/jsonschema_specifications/", "form validation (jsonschema)"),
    ("/referencing/", "form validation (jsonschema)"),
    ("/rpds/", "form validation (jsonschema)"),
    ("/json/", "JSON (stdlib)"),
    ("/flask/", "web (Flask/Werkzeug)"),
    ("/werkzeug/", "web (Flask/Werkzeug)"),
    ("/itsdangerous/", "web (Flask/Werkzeug)"),
    ("/jinja2/", "web (Flask/Werkzeug)"),
    ("/alembic/", "SQLAlchemy"),
    ("/handlers/", "service handlers"),
    ("/app/", "product code (app/)"),
    ("/bench/", "benchmark driver"),
]
_BUILTIN_BUCKETS: list[tuple[str, str]] = [
    ("sqlite3", "DB driver (sqlite3)"),
    ("psycopg", "DB driver (psycopg)"),
    ("_json", "JSON (stdlib)"),
    ("json", "JSON (stdlib)"),
    ("lxml", "engine (SpiffWorkflow)"),
    ("compile", "sandbox (RestrictedPython)"),
]


def bucket_of(filename: str, name: str) -> str:
    if filename == "~" or filename.startswith("<"):
        for needle, bucket in _BUILTIN_BUCKETS:
            if needle in name:
                return bucket
        return "builtins / other stdlib"
    for needle, bucket in _FILE_BUCKETS:
        if needle in filename:
            return bucket
    return "builtins / other stdlib"


def short(func: tuple[str, int, str]) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    for marker in ("/site-packages/", "/lib/python3.11/"):
        if marker in filename:
            filename = filename.split(marker, 1)[1]
            break
    else:
        for marker in ("/app/", "/handlers/", "/bench/"):
            if marker in filename:
                filename = marker.strip("/") + "/" + filename.split(marker, 1)[1]
                break
    return f"{filename}:{line}({name})"


# what a business-rule task costs: the product's decision-table runner, every cell included
DECISION_RUNNER = ("app/engine/decisions.py", "result")


def _decision_tables(raw: dict[Any, Any], tasks: int) -> dict[str, float]:
    """Decision tables evaluated per user task and their cumulative ms per user task."""
    calls = cum = 0.0
    for (filename, _line, name), (_cc, nc, _tt, ct, _callers) in raw.items():
        if filename.endswith(DECISION_RUNNER[0]) and name == DECISION_RUNNER[1]:
            calls, cum = calls + nc, cum + ct
    return {"calls_per_task": calls / max(tasks, 1), "cum_ms": 1000.0 * cum / max(tasks, 1)}


def summarize(profiler: Any, *, tasks: int, wall_s: float, top: int = 15) -> dict[str, Any]:
    stats = pstats.Stats(profiler)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    per_task = 1000.0 / max(tasks, 1)
    buckets: dict[str, float] = {}
    total = 0.0
    for (filename, _line, name), (_cc, _nc, tt, _ct, _callers) in raw.items():
        bucket = bucket_of(filename, name)
        buckets[bucket] = buckets.get(bucket, 0.0) + tt
        total += tt
    product_funcs = []
    for func, (_cc, nc, tt, ct, _callers) in raw.items():
        filename = func[0]
        if ("/app/" in filename or "/handlers/" in filename) and "/site-packages/" not in filename:
            product_funcs.append((ct, tt, nc, func))
    product_funcs.sort(reverse=True)
    by_self = sorted(((tt, ct, nc, func) for func, (_cc, nc, tt, ct, _c) in raw.items()), reverse=True)
    return {
        "tasks": tasks,
        "wall_ms_per_task": wall_s * per_task,
        "total_ms_per_task": total * per_task,
        "buckets": sorted(((b, s * per_task) for b, s in buckets.items()), key=lambda x: -x[1]),
        "decision_tables": _decision_tables(raw, tasks),
        "product_cumulative": [
            {"func": short(f), "calls_per_task": nc / max(tasks, 1), "cum_ms": ct * per_task, "self_ms": tt * per_task}
            for ct, tt, nc, f in product_funcs[:top]
        ],
        "top_self": [
            {"func": short(f), "calls_per_task": nc / max(tasks, 1), "self_ms": tt * per_task, "cum_ms": ct * per_task}
            for tt, ct, nc, f in by_self[:top]
        ],
    }

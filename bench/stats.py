"""Figures derived from a worker's raw result."""

from __future__ import annotations

import statistics
from typing import Any


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def figures(result: dict[str, Any]) -> dict[str, Any]:
    """Per-task cost (ms, median and p95 over instances), throughput, per-op latencies, sizes."""
    instances = result["instances"]
    per_task = [i["seconds"] * 1000 / i["tasks"] for i in instances if i["tasks"]]
    ops: dict[str, list[float]] = {}
    for inst in instances:
        for kind, seconds in inst["ops"]:
            ops.setdefault(kind, []).append(seconds * 1000)
    sizes = [s for i in instances for s in i["state_sizes"]]
    tasks = sum(i["tasks"] for i in instances)
    return {
        "mode": result["mode"],
        "n": result["n"],
        "tasks_per_instance": tasks / max(len(instances), 1),
        "ms_per_task_median": median(per_task),
        "ms_per_task_p95": percentile(per_task, 95),
        "instances_per_s": result["n"] / result["wall_s"],
        "tasks_per_s": tasks / result["wall_s"],
        "cpu_share": result["cpu_s"] / result["wall_s"],
        "cpu_ms_per_task": result["cpu_s"] * 1000 / max(tasks, 1),
        "ops": {k: {"n": len(v), "median": median(v), "p95": percentile(v, 95)} for k, v in ops.items()},
        "state_bytes_median": median([float(s) for s in sizes]) if sizes else None,
        "state_bytes_max": max(sizes) if sizes else None,
        "sql_per_task": result["sql_statements"] / max(tasks, 1),
        "peak_rss_mb": result["peak_rss_kb"] / 1024,
        "final_state_chars": result.get("final_state_chars"),
        "task_rows_per_instance": result.get("task_rows_per_instance"),
        "audit_rows_per_instance": result.get("audit_rows_per_instance"),
        "setup_s": result["setup_s"],
    }

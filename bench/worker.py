"""Run one mode in its own process (so peak RSS and caches belong to that mode alone).

``python -m bench.worker MODE FLOW DB_URL N WARMUP OUT.json [--profile]``
"""

from __future__ import annotations

import gc
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.common import Driver, StatementCounter
from bench.flows import Flow, by_name

MODES = ("bare", "bare_ref", "product", "http")


def make_driver(mode: str, flow: Flow, db_url: str) -> Driver:
    if mode in ("bare", "bare_ref"):
        from bench.bare import BareDriver

        return BareDriver(flow, db_url, serializer="stock" if mode == "bare" else "ref")
    from bench.product import HttpDriver, ServiceDriver

    if mode == "product":
        return ServiceDriver(flow, db_url)
    if mode == "http":
        return HttpDriver(flow, db_url)
    raise SystemExit(f"unknown mode {mode!r}; one of {', '.join(MODES)}")


def run(mode: str, flow: Flow, db_url: str, n: int, warmup: int, profile: bool) -> dict[str, Any]:
    driver = make_driver(mode, flow, db_url)
    t0 = time.perf_counter()
    driver.setup()
    setup_s = time.perf_counter() - t0
    for _ in range(warmup):
        driver.run_instance()
    gc.collect()
    statements = StatementCounter(driver.db)
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    runs = []
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    for _ in range(n):
        runs.append(driver.run_instance())
    if profiler is not None:
        profiler.disable()
    wall = time.perf_counter() - t0
    cpu = time.process_time() - cpu0
    counted = statements.count
    extra = driver.close()
    result: dict[str, Any] = {
        "mode": mode,
        "flow": flow.name,
        "n": n,
        "warmup": warmup,
        "setup_s": setup_s,
        "wall_s": wall,
        "cpu_s": cpu,
        "instances": [
            {"ops": r.ops, "tasks": r.tasks, "state_sizes": r.state_sizes, "seconds": r.seconds} for r in runs
        ],
        "sql_statements": counted,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        **extra,
    }
    if profiler is not None:
        from bench.profiling import summarize

        tasks = sum(r.tasks for r in runs)
        result["profile"] = summarize(profiler, tasks=tasks, wall_s=wall)
    return result


def main(argv: list[str]) -> None:
    mode, flow_name, db_url, n, warmup, out = argv[:6]
    profile = "--profile" in argv[6:]
    result = run(mode, by_name(flow_name), db_url, int(n), int(warmup), profile)
    Path(out).write_text(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])

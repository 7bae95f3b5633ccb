"""``make bench``: measure the product against the bare engine and write docs/benchmarks.md.

Every mode runs in a process of its own on a database of its own, created for this run:
SQLite files in a temporary directory, and PostgreSQL databases on ``BENCH_DATABASE_URL``
or on a throw-away local server. ``instance/`` and the test database are never touched.

Options (or environment): ``-n/BENCH_N`` measured instances per mode and round (default 60),
``--rounds/BENCH_ROUNDS`` runs of each mode, in alternating order, the best one kept (2),
``--warmup/BENCH_WARMUP`` (5), ``--profile-n/BENCH_PROFILE_N`` instances under cProfile
(30; 0 = no profile), ``--flow/BENCH_FLOW`` (complaint | bench; default complaint when
it can be driven), ``--no-postgres`` (or ``BENCH_POSTGRES=0``), ``--no-small`` (skip the
small stand-in flow), ``--out`` (docs/benchmarks.md). Timers (``bench/timers.py``): ``--no-timers``
(``BENCH_TIMERS=0``) skips them, ``--timers-only`` measures only them and replaces the "Timers"
section of an existing ``--out`` file; sizes ``BENCH_TIMER_BACKGROUND`` (100000),
``BENCH_TIMER_REAL`` (300), ``BENCH_TIMER_DRAIN`` (10000). Scale (``bench/scale.py``):
``--no-scale`` (``BENCH_SCALE=0``) skips it, ``--scale-only`` measures only it and replaces the
"Scale" section of ``--out``; sizes ``BENCH_SCALE_SIZES`` (100000,1000000), requests per
endpoint ``BENCH_SCALE_REQUESTS`` (150), state bytes per case ``BENCH_SCALE_STATE_BYTES`` (2000).
Console (``bench/console_probe.py``, the console's pages on the same generated database):
``--no-console`` (``BENCH_CONSOLE=0``) skips it, ``--console-only`` measures only it and replaces
the "Console" section of ``--out``; sizes ``BENCH_CONSOLE_SIZES`` (100000). Reports
(``bench/reports.py``, the summary and monthly report over generated complaint facts): ``--no-reports``
(``BENCH_REPORTS=0``) skips them, ``--reports-only`` measures only them and replaces the "Reports"
section of ``--out``; size ``BENCH_REPORTS_SIZE`` (100000). A run that skips the
timers, the scale, the console or the reports keeps that section of the existing ``--out`` file as it was.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import console_report, machine, report, scale, scale_report, timers, timers_report
from bench import reports as report_bench
from bench.flows import BENCH_FLOW, ROOT, select_flow
from bench.postgres import Postgres, PostgresUnavailable
from bench.stats import figures
from bench.worker import MODES

# the long sections a run may skip (title -> its switch), kept from the previous report when skipped
SECTION_FLAGS = {
    "## Timers": "no_timers",
    "## Scale": "no_scale",
    "## Console": "no_console",
    "## Reports": "no_reports",
}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    p.add_argument("-n", type=int, default=_env_int("BENCH_N", 60), help="measured instances per mode and round")
    p.add_argument("--warmup", type=int, default=_env_int("BENCH_WARMUP", 5))
    p.add_argument("--rounds", type=int, default=_env_int("BENCH_ROUNDS", 2), help="runs per mode; best kept")
    p.add_argument("--profile-n", type=int, default=_env_int("BENCH_PROFILE_N", 30))
    p.add_argument("--flow", default=os.environ.get("BENCH_FLOW"), choices=["complaint", "bench"])
    p.add_argument("--no-postgres", action="store_true", default=os.environ.get("BENCH_POSTGRES") == "0")
    p.add_argument("--no-small", action="store_true", help="skip the small stand-in flow")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "benchmarks.md")
    p.add_argument("--no-timers", action="store_true", default=os.environ.get("BENCH_TIMERS") == "0")
    p.add_argument("--timers-only", action="store_true", help="only the timers; splice their section into --out")
    p.add_argument("--no-scale", action="store_true", default=os.environ.get("BENCH_SCALE") == "0")
    p.add_argument("--scale-only", action="store_true", help="only the scale section; splice it into --out")
    p.add_argument("--no-console", action="store_true", default=os.environ.get("BENCH_CONSOLE") == "0")
    p.add_argument("--console-only", action="store_true", help="only the console section; splice it into --out")
    p.add_argument("--no-reports", action="store_true", default=os.environ.get("BENCH_REPORTS") == "0")
    p.add_argument("--reports-only", action="store_true", help="only the reports section; splice it into --out")
    return p.parse_args(argv)


def timer_sizes() -> dict[str, Any]:
    return {
        "background": _env_int("BENCH_TIMER_BACKGROUND", 100_000),
        "real": _env_int("BENCH_TIMER_REAL", 300),
        "drain": _env_int("BENCH_TIMER_DRAIN", 10_000),
        "spacing": 0.1,
    }


def _section_only(args: argparse.Namespace, title: str, flag: str, measure: Any, render: Any) -> None:
    """Measure one section alone and replace (or add) it in ``args.out``."""
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        results = measure(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    m = machine.describe()
    lines = render(results)
    lines[2:2] = [f"Measured {m['date']} at `{m['commit']}` (`python -m bench {flag}`).", ""]
    args.out.write_text(report.splice_section(args.out.read_text(encoding="utf-8"), lines), encoding="utf-8")
    print(f"bench: wrote the {title} section of {args.out}", file=sys.stderr)


def timers_only(args: argparse.Namespace) -> None:
    """Measure the timers alone and replace (or add) the "Timers" section of ``args.out``."""

    def measure(tmp: Path) -> Any:
        return timers.measure(tmp, postgres=not args.no_postgres, sizes=timer_sizes())

    _section_only(args, "Timers", "--timers-only", measure, timers_report.section)


def scale_only(args: argparse.Namespace) -> None:
    """Measure the scale section alone and replace (or add) the "Scale" section of ``args.out``."""

    def measure(tmp: Path) -> Any:
        return scale.measure(tmp, postgres=not args.no_postgres, sizes=scale.sizes_from_env())

    _section_only(args, "Scale", "--scale-only", measure, scale_report.section)


def console_sizes() -> list[int]:
    return scale.sizes_from_env("BENCH_CONSOLE_SIZES", "100000")


def console_only(args: argparse.Namespace) -> None:
    """Measure the console's pages alone and replace (or add) the "Console" section of ``args.out``."""

    def measure(tmp: Path) -> Any:
        return scale.measure(tmp, postgres=not args.no_postgres, sizes=console_sizes(), probes="console")

    _section_only(args, "Console", "--console-only", measure, console_report.section)


def measure_reports(args: argparse.Namespace, tmp: Path) -> Any:
    size = report_bench.size_from_env()
    print(f"bench: reports, {size} cases", file=sys.stderr)
    return report_bench.measure(tmp, postgres=not args.no_postgres, size=size)


def reports_only(args: argparse.Namespace) -> None:
    """Measure the reports alone and replace (or add) the "Reports" section of ``args.out``."""
    _section_only(args, "Reports", "--reports-only", lambda tmp: measure_reports(args, tmp), report_bench.section)


class Runner:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.count = 0

    def run(self, mode: str, flow: str, url: str, n: int, warmup: int, profile: bool = False) -> dict[str, Any]:
        self.count += 1
        out = self.tmp / f"{self.count:02d}-{flow}-{mode}.json"
        cmd = [sys.executable, "-m", "bench.worker", mode, flow, url, str(n), str(warmup), str(out)]
        if profile:
            cmd.append("--profile")
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, cwd=ROOT)
        result: dict[str, Any] = json.loads(out.read_text())
        what = f"{flow}/{mode}{' (profiled)' if profile else ''}"
        fig = figures(result)
        print(
            f"  {what:<28} {fig['ms_per_task_median']:7.2f} ms/task  {fig['instances_per_s']:7.1f} inst/s"
            f"  ({time.perf_counter() - t0:.1f} s)",
            file=sys.stderr,
        )
        return result


def _schedule(rounds: int) -> list[tuple[str, int]]:
    """Modes in order, then in reverse order, and so on: a burst of other work on the machine
    hits one round of a mode, rarely all of them."""
    order: list[tuple[str, int]] = []
    for r in range(rounds):
        order += [(mode, r) for mode in (MODES if r % 2 == 0 else MODES[::-1])]
    return order


def best_of(raws: list[dict[str, Any]]) -> dict[str, Any]:
    """The figures of the round with the lowest median cost per task, and every round's median."""
    figs = [figures(raw) for raw in raws]
    best = min(figs, key=lambda f: f["ms_per_task_median"])
    return {**best, "round_medians": [f["ms_per_task_median"] for f in figs]}


def write_report(args: argparse.Namespace, text: str) -> None:
    """Write ``text`` to ``args.out``, with the sections this run skipped as the file had them."""
    skipped = [title for title, off in SECTION_FLAGS.items() if getattr(args, off)]
    if skipped and args.out.is_file():
        text = report.keep_sections(text, args.out.read_text(encoding="utf-8"), skipped)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    if args.timers_only:
        timers_only(args)
        return
    if args.scale_only:
        scale_only(args)
        return
    if args.console_only:
        console_only(args)
        return
    if args.reports_only:
        reports_only(args)
        return
    flow = select_flow(args.flow)
    started = time.perf_counter()
    load_before = machine.load()
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    runner = Runner(tmp)
    rounds: dict[str, list[dict[str, Any]]] = {}  # "<db>/<flow>/<mode>" -> raw result of each round
    profiles: dict[str, Any] = {}
    pg_info: dict[str, Any] = {}
    timer_results: dict[str, Any] = {}
    scale_results: dict[str, Any] = {}
    console_results: dict[str, Any] = {}
    report_results: dict[str, Any] = {}
    try:
        print(
            f"bench: flow {flow.name}, n={args.n}, warmup={args.warmup}, rounds={args.rounds} (SQLite)", file=sys.stderr
        )
        for mode, r in _schedule(args.rounds):
            url = f"sqlite:///{tmp}/{flow.name}-{mode}-{r}.db"
            rounds.setdefault(f"sqlite/{flow.name}/{mode}", []).append(
                runner.run(mode, flow.name, url, args.n, args.warmup)
            )
        if not args.no_postgres:
            try:
                with Postgres.open() as pg:
                    pg_info = {"where": pg.where, **pg.settings}
                    print(f"bench: PostgreSQL {pg.settings['server_version']} ({pg.where})", file=sys.stderr)
                    for mode, _r in _schedule(args.rounds):
                        url = pg.new_database(mode)
                        rounds.setdefault(f"postgresql/{flow.name}/{mode}", []).append(
                            runner.run(mode, flow.name, url, args.n, args.warmup)
                        )
            except PostgresUnavailable as exc:
                pg_info = {"skipped": str(exc)}
                print(f"bench: PostgreSQL skipped: {exc}", file=sys.stderr)
        if args.profile_n > 0:
            print(f"bench: profiling n={args.profile_n} (SQLite)", file=sys.stderr)
            for mode in ("bare_ref", "product", "http"):
                url = f"sqlite:///{tmp}/profile-{mode}.db"
                raw = runner.run(mode, flow.name, url, args.profile_n, args.warmup, profile=True)
                profiles[mode] = raw["profile"]
        if not args.no_small and flow is not BENCH_FLOW:
            print(f"bench: small stand-in flow, n={args.n} (SQLite)", file=sys.stderr)
            for mode, r in _schedule(args.rounds):
                url = f"sqlite:///{tmp}/small-{mode}-{r}.db"
                rounds.setdefault(f"sqlite/{BENCH_FLOW.name}/{mode}", []).append(
                    runner.run(mode, BENCH_FLOW.name, url, args.n, args.warmup)
                )
        if not args.no_timers:
            timer_results = timers.measure(tmp, postgres=not args.no_postgres, sizes=timer_sizes())
        if not args.no_scale:
            print(f"bench: scale, sizes {scale.sizes_from_env()}", file=sys.stderr)
            scale_results = scale.measure(tmp, postgres=not args.no_postgres, sizes=scale.sizes_from_env())
        if not args.no_console:
            print(f"bench: console, sizes {console_sizes()}", file=sys.stderr)
            console_results = scale.measure(tmp, postgres=not args.no_postgres, sizes=console_sizes(), probes="console")
        if not args.no_reports:
            report_results = measure_reports(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = report.render(
        machine={**machine.describe(), "load_before": load_before},
        args=vars(args),
        flow=flow,
        small=BENCH_FLOW if flow is not BENCH_FLOW else None,
        figures={key: best_of(raws) for key, raws in rounds.items()},
        profiles=profiles,
        postgres=pg_info,
        duration_s=time.perf_counter() - started,
        timers=timer_results,
        scale=scale_results,
        console=console_results,
    )
    if report_results:
        text = report.splice_section(text, report_bench.section(report_results))
    write_report(args, text)
    print(f"bench: wrote {args.out} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])

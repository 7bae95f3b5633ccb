"""The "Console" section of docs/benchmarks.md, from ``bench.scale.measure(..., probes="console")``."""

from __future__ import annotations

from typing import Any

from bench import scale_report
from bench.console_probe import CSV_FILTER, REAL_CASES, STOP_AT


def section(results: dict[str, Any]) -> list[str]:
    """The "Console" section: the case page, the task page, the lists and the admin pages at 100 k cases."""
    if not results or not any(results.get(db) for db in (*scale_report.NAMES, "failed")):
        return ["## Console", "", "Not measured in this run (`--no-console`, `BENCH_CONSOLE=0`)."]
    run = next((r for db in scale_report.NAMES for r in results.get(db, {}).values()), {})
    requests, budget = run.get("requests", 150), run.get("probe_seconds", 60)
    lines = [
        "## Console",
        "",
        "The pages of the console (issue 7) on the scale section's generated database (same generator, same",
        "shape; sizes `BENCH_CONSOLE_SIZES`, default 100000), measured the same way: in-process through the",
        "real Flask app, server time around each request after 5 warm-up requests, "
        f"{requests} requests or {budget:g} s per row.",
        f"The generated cases carry no engine state, so {REAL_CASES} real complaints are driven through the",
        f"product's services to the manager approval (`{STOP_AT}`) after the load: the diagram endpoint and",
        "the task page (with the case so far) are measured on them, the case page on both kinds.",
        f"The CSV export streams every row of its filter (`{CSV_FILTER}`: about 1 % of the cases) and is read",
        "to its end. *SQL* = statements per request (median); the last column compares with the scale",
        "section's goal for reference (that goal was set for the lists at 1 M cases).",
        "",
    ]
    for db in scale_report.NAMES:
        if results.get(db):
            lines += [f"### {scale_report.NAMES[db]}", "", *scale_report.results_table(db, results[db]), ""]
    for failure in results.get("failed", []):
        lines += [f"**Not measured**: {failure}.", ""]
    if "postgresql_skipped" in results:
        lines += [f"PostgreSQL not measured: {results['postgresql_skipped']}.", ""]
    lines += ["### Plans", "", "The slowest statement of each row, with the parameters of its slowest run.", ""]
    for db in scale_report.NAMES:
        if results.get(db):
            lines += scale_report.plans(db, results[db])
    return lines

"""Reports: the summary and the monthly report over a generated complaint facts table.

Per database (SQLite with the product's settings; PostgreSQL, see ``bench.postgres``), on a fresh
database: ``setup_product``, then ``size`` bare complaint cases with their facts rows (seeded
random: two years of intake, the subjects, levels, channels and departments of the complaint
process, 15 % with a missed time limit, 200 products, 300 employees), planner statistics, then
each report query timed in-process through the services (median of ``repeats``).

Size: ``BENCH_REPORTS_SIZE`` (default 100000); ``python -m bench --reports-only`` measures only
this and replaces the "Reports" section of docs/benchmarks.md; ``--no-reports`` skips it.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text

from bench.postgres import Postgres, PostgresUnavailable
from bench.scale import product_app

CHUNK = 10_000
REPEATS = 5
SUBJECTS = ("product_quality", "service_quality", "contract_dispute", "sales", "after_sales", "logistics", "other")
DEPARTMENT = {
    "product_quality": "quality",
    "service_quality": "cs_supervisors",
    "contract_dispute": "sales",
    "sales": "sales",
    "after_sales": "aftersales",
    "logistics": "logistics",
    "other": "cs_supervisors",
}
CHANNELS = ("phone", "email", "online", "walk_in", "letter", "third_party")
END = datetime(2026, 11, 1, tzinfo=UTC)


def size_from_env() -> int:
    return int(os.environ.get("BENCH_REPORTS_SIZE") or 100_000)


def log(message: str) -> None:
    print(f"    reports: {message}", file=sys.stderr, flush=True)


def _rows(rng: random.Random, first_id: int, n: int, definition: tuple[int, int]) -> tuple[list[Any], list[Any]]:
    """``n`` cases and their facts rows, ids from ``first_id``."""
    cases, facts = [], []
    for instance_id in range(first_id, first_id + n):
        received = END - timedelta(seconds=rng.randrange(730 * 86400))
        subject = rng.choice(SUBJECTS)
        done = rng.random() < 0.85
        hours = round(rng.lognormvariate(3, 1), 4) if done else None
        sla = {rule: rng.choice(("met", "met", "met", "missed", None)) for rule in ("contact", "handling")}
        overdue = "missed" in sla.values()
        product = rng.randrange(200) if rng.random() < 0.7 else None
        status = "completed" if done else "running"
        cases.append(
            {
                "id": instance_id,
                "definition_id": definition[0],
                "process_key": "complaint_handling",
                "version": definition[1],
                "status": status,
                "state_json": "",
                "variables": {},
                "created_at": received,
                "updated_at": received,
                "lock_version": 1,
            }
        )
        facts.append(
            {
                "instance_id": instance_id,
                "registration_number": f"TS-{instance_id:08d}",
                "received_at": received,
                "received_month": (received + timedelta(hours=8)).strftime("%Y-%m"),
                "closed_at": received + timedelta(hours=hours) if hours is not None else None,
                "hours_to_close": hours,
                "status": status,
                "is_open": not done,
                "outcome": rng.choice(("resolved", "resolved", "resolved", "invalid", "closed_without_agreement"))
                if done
                else None,
                "subject": subject,
                "severity_level": rng.choice("EEEEDDDCCBA"),
                "channel": rng.choice(CHANNELS),
                "department": DEPARTMENT[subject],
                "overdue": overdue,
                "sla_contact": sla["contact"],
                "sla_handling": sla["handling"],
                "reopened_count": 1 if rng.random() < 0.05 else 0,
                "satisfaction": rng.randint(1, 5) if done and rng.random() < 0.7 else None,
                "secondary": rng.random() < 0.08,
                "product_name": f"product {product}" if product is not None else None,
                "batch_number": f"B{rng.randrange(50)}" if product is not None else None,
                "responsible_employee": f"employee{rng.randrange(300)}" if rng.random() < 0.6 else None,
            }
        )
    return cases, facts


def load(rt: Any, size: int) -> float:
    """``size`` cases with facts in the runtime's database; returns the seconds it took."""
    from app.models import ComplaintFact, ProcessDefinition, ProcessInstance
    from app.services import complaint_rollups

    started = time.perf_counter()
    rng = random.Random(8)
    with rt.sessions() as s:
        definition = s.execute(
            select(ProcessDefinition.id, ProcessDefinition.version).where(ProcessDefinition.key == "complaint_handling")
        ).first()
        first = (s.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id.desc()).limit(1)) or 0) + 1
    for offset in range(0, size, CHUNK):  # a transaction per chunk: SQLite's WAL stays small at 1 M
        cases, facts = _rows(rng, first + offset, min(CHUNK, size - offset), tuple(definition))
        with rt.db.begin() as conn:
            conn.execute(insert(ProcessInstance.__table__), cases)
            conn.execute(insert(ComplaintFact.__table__), facts)
        if offset and offset % (10 * CHUNK) == 0:
            log(f"{offset} facts loaded")
    with rt.sessions() as s:  # the rows bypass the save path: their month rollups from them
        complaint_rollups.rebuild(s)
        s.commit()
    with rt.db.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    return time.perf_counter() - started


def _timed(call: Any, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)
    return round(statistics.median(times), 1)


def probe(rt: Any, repeats: int) -> dict[str, float]:
    """Milliseconds (median) of each report over the loaded facts."""
    from app.services import monthly_workbook, reports
    from app.services.report_period import Period

    month = Period(date(2026, 10, 1), date(2026, 10, 31))
    year = Period(date(2025, 11, 1), date(2026, 10, 31))
    quality_year = Period(year.first, year.last, "quality")
    out: dict[str, float] = {}
    with rt.sessions() as s:
        for grouping in ("subject", "severity", "channel", "department", "month"):
            out[f"summary, one month, by {grouping}"] = _timed(lambda g=grouping: reports.summary(s, month, g), repeats)
        out["summary, one year, by month"] = _timed(lambda: reports.summary(s, year, "month"), repeats)
        out["summary, one year, one department, by subject"] = _timed(
            lambda: reports.summary(s, quality_year, "subject"), repeats
        )
        out["monthly report, JSON"] = _timed(lambda: reports.monthly(s, month), repeats)
        out["monthly report, XLSX"] = _timed(
            lambda: monthly_workbook.workbook_bytes(reports.monthly(s, month)), repeats
        )
    return out


def _measure_one(url: str, size: int, repeats: int) -> dict[str, Any]:
    from app.cli import setup_product

    rt = product_app(url).extensions["runtime"]
    setup_product(rt, demo=False)
    load_s = load(rt, size)
    log(f"loaded {size} facts in {load_s:.0f} s")
    result = {"size": size, "load_s": round(load_s, 1), "ms": probe(rt, repeats)}
    rt.db.dispose()
    return result


def measure(tmp: Path, *, postgres: bool, size: int, repeats: int = REPEATS) -> dict[str, Any]:
    """Every probe on SQLite and (when available) PostgreSQL."""
    results: dict[str, Any] = {"sqlite": _measure_one(f"sqlite:///{tmp}/reports.db", size, repeats)}
    if postgres:
        try:
            with Postgres.open() as pg:
                results["postgresql"] = _measure_one(pg.new_database("reports"), size, repeats)
        except PostgresUnavailable as exc:
            results["postgresql"] = {"skipped": str(exc)}
    return results


def section(results: dict[str, Any]) -> list[str]:
    """The "Reports" section of docs/benchmarks.md."""
    lines = [
        "## Reports",
        "",
        "The reports (`app/services/reports.py`) over a generated `complaint_facts` table (`bench/reports.py`): "
        "GROUP BY on the facts of the period, percentiles by window functions; milliseconds, median of "
        f"{REPEATS} runs, in-process (no HTTP). One month = October 2026 (about 1/24 of the rows), "
        "one year = the 12 months up to it.",
        "",
    ]
    dbs = [db for db in ("sqlite", "postgresql") if "ms" in results.get(db, {})]
    if not dbs:
        return [*lines, "Not measured."]
    sizes = ", ".join(f"{db}: {results[db]['size']:,} cases loaded in {results[db]['load_s']} s" for db in dbs)
    lines += [sizes, "", "| report | " + " | ".join(f"{db} ms" for db in dbs) + " |"]
    lines.append("| --- |" + " ---: |" * len(dbs))
    for name in results[dbs[0]]["ms"]:
        lines.append(f"| {name} | " + " | ".join(str(results[db]["ms"][name]) for db in dbs) + " |")
    for db in ("sqlite", "postgresql"):
        if "skipped" in results.get(db, {}):
            lines += ["", f"{db}: skipped ({results[db]['skipped']})."]
    return lines

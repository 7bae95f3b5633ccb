"""Batch detection (rule 3.7): the one detection query over a generated complaint facts table.

``python -m bench.batch_detection URL [SIZE]`` on a database of its own (it is set up afresh):
``setup_product``, ``SIZE`` (default 100000) bare complaint cases with facts (``bench.reports``'s
generator), each then given a problem code, a plant, a production date within 300 days and a
complainant phone; planner statistics; then ``batch_complaints.counts`` for a complaint of a
common product (median of 5, in-process) and the database's plan for the statement. Prints the
line docs/benchmarks.md keeps ("Batch detection").
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, text, update

from bench.reports import load
from bench.scale import product_app

PROBLEMS = ("foreign_body", "spoiled_taste", "swollen_package", "leakage", "mould", "sediment", "wrong_label", "other")
FIRST_DAY = date(2026, 1, 1)


def add_batch_facts(rt: Any) -> None:
    """A problem, plant, production date and phone on every generated fact (seeded random)."""
    from app.models import ComplaintFact as F

    rng = random.Random(26)
    with rt.db.begin() as conn:
        ids = [row[0] for row in conn.execute(text("SELECT instance_id FROM complaint_facts"))]
        rows = [
            {
                "fid": i,
                "p_problem": rng.choice(PROBLEMS),
                "p_plant": f"plant {rng.randrange(8)}",
                "p_day": FIRST_DAY + timedelta(days=rng.randrange(300)),
                "p_phone": f"138{rng.randrange(10**8):08d}",
            }
            for i in ids
        ]
        stmt = (
            update(F)
            .where(F.instance_id == bindparam("fid"))
            .values(
                problem=bindparam("p_problem"),
                plant=bindparam("p_plant"),
                production_date=bindparam("p_day"),
                complainant_phone=bindparam("p_phone"),
            )
        )
        conn.execute(stmt, rows)
        conn.execute(text("ANALYZE"))


def measure(url: str, size: int, repeats: int = 5) -> str:
    from app.cli import setup_product
    from app.clock import clock
    from app.models import ComplaintFact
    from app.services.batch_complaints import counts, detection_query

    rt = product_app(url).extensions["runtime"]
    setup_product(rt, demo=False)
    load(rt, size)
    add_batch_facts(rt)
    fact = ComplaintFact(
        product_name="product 7", problem="mould", batch_number="B7", plant="plant 3", production_date=date(2026, 9, 1)
    )
    times = []
    # the generated intake ends 2026-11-01: the 90-day window before it holds about 1/8 of the rows
    with clock.pinned(datetime(2026, 11, 1, tzinfo=UTC)), rt.sessions() as s:
        for _ in range(repeats):
            t0 = time.perf_counter()
            found = counts(s, fact)
            times.append((time.perf_counter() - t0) * 1000)
    with clock.pinned(datetime(2026, 11, 1, tzinfo=UTC)), rt.db.connect() as conn:
        sql = str(detection_query(fact).compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        explain = "EXPLAIN " if conn.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
        plan = [str(r[0] if conn.dialect.name == "postgresql" else r[3]) for r in conn.exec_driver_sql(explain + sql)]
    rt.db.dispose()
    return f"{conn.dialect.name}: {size:,} facts, {statistics.median(times):.1f} ms, counts {found}\n  " + "\n  ".join(
        plan
    )


if __name__ == "__main__":
    print(measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000))

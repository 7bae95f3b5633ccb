"""Scale: the inbox, the case page, the lists and the scheduler's poll over 100 k and 1 M cases.

Per database (SQLite with the product's settings; PostgreSQL, see ``bench.postgres``) and size,
in a process of its own on a fresh database: ``setup_product`` (migrations, the deployed
complaint_handling diagram, the demo users), the bulk cases of ``bench.scale_data``, planner
statistics, then ``bench.scale_probe`` measures each endpoint in-process through the real Flask
app (the scheduler not started).

``python -m bench.scale load DB_URL SIZE LOADED.json`` loads one database,
``python -m bench.scale measure DB_URL LOADED.json OUT.json`` measures it; ``make bench`` runs
every size of ``BENCH_SCALE_SIZES`` (100000,1000000) on both databases and writes the "Scale"
section of docs/benchmarks.md (``python -m bench --scale-only`` only that section).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from bench import machine
from bench.postgres import Postgres, PostgresUnavailable

SECRET = "bench-secret-key-0123456789"
PROBES_ENV = "BENCH_SCALE_PROBES"  # set for the measuring child: which probe set it runs


def log(message: str) -> None:
    print(f"    scale: {message}", file=sys.stderr, flush=True)


def sqlite_loader(url: str) -> Engine:
    """The product's SQLite engine, with durability off for the load only (no journal, no fsync,
    no foreign-key checks); the file goes back to WAL afterwards."""
    from app.db import make_engine

    engine = make_engine(url)

    @event.listens_for(engine, "connect")
    def _fast(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF", "cache_size=-1000000"):
            cur.execute(f"PRAGMA {pragma}")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    return engine


def database_bytes(engine: Engine) -> int:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
        pages = conn.execute(text("PRAGMA page_count")).scalar_one()
        return int(pages) * int(conn.execute(text("PRAGMA page_size")).scalar_one())


def product_app(url: str) -> Any:
    """The product's app on the bench database, the scheduler not started."""
    from app import create_app

    return create_app(
        database_url=url, secret_key=SECRET, demo_data=True, simulated_clock=True, scheduler_enabled=False
    )


def load(url: str, size: int, out: Path) -> None:
    """A fresh product database with ``size`` generated cases and planner statistics; what was
    loaded goes to ``out``."""
    from app.cli import setup_product
    from bench import scale_data

    state_bytes = int(os.environ.get("BENCH_SCALE_STATE_BYTES", "2000"))
    rt = product_app(url).extensions["runtime"]
    setup_product(rt, demo=True)
    if rt.db.dialect.name == "sqlite":
        rt.db.dispose()  # the journal mode changes only with no other connection open
        loader = sqlite_loader(url)
        info = scale_data.generate(loader, size, state_bytes=state_bytes)
        raw = loader.raw_connection()  # outside any transaction (the engine would begin one)
        raw.cursor().execute("PRAGMA journal_mode=WAL")
        raw.close()
        info["analyze_s"] = scale_data.analyze(loader)
        loader.dispose()
    else:
        info = scale_data.generate(rt.db, size, state_bytes=state_bytes)
        info["analyze_s"] = scale_data.analyze(rt.db)
    info["db_bytes"] = database_bytes(rt.db)
    rt.db.dispose()
    log(f"{size:,} cases loaded in {info['load_s']:.0f} s (+ {info['analyze_s']:.0f} s statistics)")
    log(", ".join(f"{k} {v:.1f} s" for k, v in info["seconds"].items()))
    out.write_text(json.dumps(info), encoding="utf-8")


def measure_endpoints(url: str, loaded: Path, out: Path) -> None:
    """Every endpoint on a loaded database, in a process that did not load it (so that its peak
    RSS is the serving app's)."""
    from bench import console_probe, scale_probe

    info = json.loads(loaded.read_text())
    app = product_app(url)
    requests = int(os.environ.get("BENCH_SCALE_REQUESTS", "150"))
    # which probes: the scale section's, or the console's pages (``--console-only``)
    probes = console_probe.measure if os.environ.get(PROBES_ENV) == "console" else scale_probe.measure
    result = {
        "size": info["cases"],
        "load": info,
        "requests": requests,
        "probe_seconds": scale_probe.PROBE_SECONDS,
        "endpoints": probes(app, info, requests=requests),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    app.extensions["runtime"].db.dispose()
    out.write_text(json.dumps(result, default=str), encoding="utf-8")


# --- every database and size, each in its own process ----------------------------------------------
def _child(url: str, size: int, tmp: Path, db: str, results: dict[str, Any], probes: str) -> None:
    """One database and size in a process of its own; a failure is noted and the others go on."""
    loaded, out = tmp / f"scale-{db}-{size}-load.json", tmp / f"scale-{db}-{size}.json"
    env = {**os.environ, "PYTHONPATH": str(machine.ROOT), PROBES_ENV: probes}
    t0 = time.perf_counter()
    try:
        for cmd in (["load", url, str(size), str(loaded)], ["measure", url, str(loaded), str(out)]):
            subprocess.run([sys.executable, "-m", "bench.scale", *cmd], check=True, env=env, cwd=machine.ROOT)
    except subprocess.CalledProcessError as exc:
        results.setdefault("failed", []).append(f"{db} {size:,}: exit code {exc.returncode} (see the bench's output)")
        log(f"{db} {size:,}: FAILED (exit code {exc.returncode})")
        return
    result: dict[str, Any] = json.loads(out.read_text())
    result["wall_s"] = time.perf_counter() - t0
    results.setdefault(db, {})[str(size)] = result
    log(f"{db} {size:,}: done in {result['wall_s']:.0f} s")


def sizes_from_env(name: str = "BENCH_SCALE_SIZES", default: str = "100000,1000000") -> list[int]:
    raw = os.environ.get(name, default)
    return [int(s) for s in raw.replace("_", "").split(",") if s.strip()]


def measure(tmp: Path, *, postgres: bool, sizes: list[int], probes: str = "scale") -> dict[str, Any]:
    """Results per database and size (PostgreSQL skipped with the reason when unavailable);
    ``probes``: "scale" (the scale section's endpoints) or "console" (the console's pages)."""
    results: dict[str, Any] = {"sizes": sizes, "load_before": machine.load()}
    for size in sizes:
        _child(f"sqlite:///{tmp / f'scale-{size}.db'}", size, tmp, "sqlite", results, probes)
        for leftover in tmp.glob(f"scale-{size}.db*"):
            leftover.unlink()
    if postgres:
        try:
            with Postgres.open() as pg:
                results["postgresql_server"] = {"where": pg.where, **pg.settings}
                for size in sizes:
                    url = pg.new_database(f"scale{size}")
                    _child(url, size, tmp, "postgresql", results, probes)
                    pg.drop_database(url)
        except PostgresUnavailable as exc:
            results["postgresql_skipped"] = str(exc)
    results["load_after"] = machine.load()
    return results


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
    else:
        measure_endpoints(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))

"""My runs are a bounded, index-backed read: a walk of ``ix_simulation_owner_id`` newest first,
however many runs other analysts have."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert

from app.models import SimulationRun
from app.runtime import Runtime
from app.services import simulations
from tests import query_plans


def test_my_runs_walk_the_owner_index(rt: Runtime) -> None:
    when = datetime(2026, 12, 4, 7, 0, tzinfo=UTC)
    rows = [
        {
            "owner": "analyst" if i % 100 == 0 else f"other{i % 7}",
            "process_key": "complaint_handling",
            "xml": "",
            "content_hash": "x",
            "state_json": "",
            "virtual_now": when,
            "status": "running",
            "log": [],
            "created_at": when,
            "updated_at": when,
            "lock_version": 1,
        }
        for i in range(3000)
    ]
    with rt.sessions() as s:
        s.execute(insert(SimulationRun), rows)
        s.commit()
    with rt.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("VACUUM ANALYZE simulation_runs")
    found = query_plans.plan(rt, simulations.mine_query("analyst", simulations.LIST_LIMIT))
    assert "ix_simulation_owner_id" in found
    assert "TEMP B-TREE" not in found and "Seq Scan on simulation_runs" not in found
    with rt.sessions() as s:
        mine = list(s.scalars(simulations.mine_query("analyst", 20)))
    assert len(mine) == 20 and all(r.owner == "analyst" for r in mine)
    assert [r.id for r in mine] == sorted((r.id for r in mine), reverse=True)

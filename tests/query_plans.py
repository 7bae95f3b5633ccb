"""The database's plan for a statement, for the tests that check which indexes a read uses."""

from __future__ import annotations

from typing import Any

from app.runtime import Runtime

TABLES = "process_instances, tasks, task_candidate_groups, instance_groups, timers"


def plan(rt: Runtime, stmt: Any, *, sqlite_statistics: bool = True) -> str:
    """EXPLAIN on PostgreSQL (after VACUUM ANALYZE, as autovacuum leaves a table), EXPLAIN QUERY
    PLAN on SQLite (after ANALYZE unless ``sqlite_statistics`` is false)."""
    with rt.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        sql = str(stmt.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"VACUUM ANALYZE {TABLES}")
            return "\n".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))
        if sqlite_statistics:
            conn.exec_driver_sql("ANALYZE")
        return "\n".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))

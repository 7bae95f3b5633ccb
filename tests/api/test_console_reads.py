"""The console's overview reads at scale: each is a bounded walk of its own index (docs/scale.md),
checked in the database's plan over thousands of rows, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from app.clock import utcnow
from app.models import Incident, ProcessInstance
from app.services import dashboard, definition_stats, incident_lists
from tests import query_plans
from tests.task_rows import Spec, instance_rows, write


def _plan(rt, stmt) -> str:
    with rt.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("VACUUM ANALYZE incidents")
    found = query_plans.plan(rt, stmt)
    print(found)
    return found


def test_open_incidents_walk_their_partial_index_newest_first(rt):
    ids = instance_rows(rt, [{"status": "error" if i % 100 == 0 else "running"} for i in range(3000)])
    now = utcnow()
    rows = [
        {
            "instance_id": instance_id,
            "element_id": "svc",
            "message": "boom",
            "created_at": now + timedelta(seconds=i),
            "resolved_at": None if i % 100 == 0 else now,
        }
        for i, instance_id in enumerate(ids)
    ]
    with rt.sessions() as s:
        s.execute(insert(Incident), rows)
        s.commit()
    found = _plan(rt, incident_lists.open_incidents(None, 51))
    assert "ix_incident_open_created" in found
    assert "TEMP B-TREE" not in found and "Seq Scan on incidents" not in found
    with rt.sessions() as s:
        page, cursor = incident_lists.open_page(s, limit=20)
        assert [i.instance_id for i in page] == [ids[i] for i in range(2900, 900, -100)]
        assert cursor is not None and incident_lists.open_count(s) == (30, True)


def test_a_versions_counts_walk_the_definition_status_index(rt):
    ids = instance_rows(rt, [{"status": "completed" if i % 100 else "terminated"} for i in range(3000)])
    with rt.sessions() as s:
        definition_id = s.get(ProcessInstance, ids[0]).definition_id
    found = _plan(rt, definition_stats.capped_count(definition_id, "terminated"))
    assert "ix_instance_definition_status" in found
    assert "Seq Scan on process_instances" not in found and "SCAN process_instances\n" not in found + "\n"
    with rt.sessions() as s:
        counts = definition_stats.status_counts(s, [definition_id])[definition_id]
    assert counts.counts == {"running": 0, "completed": 2970, "suspended": 0, "terminated": 30, "error": 0}


def test_overdue_tasks_are_a_range_of_the_ready_due_index(rt):
    ids = instance_rows(rt, [{} for _ in range(300)])
    base = utcnow() - timedelta(hours=10)
    write(
        rt,
        ids,
        [Spec(["quality"], state="ready" if i % 2 else "completed", due=i, instance=i) for i in range(3000)],
        base=base,
    )
    now = base + timedelta(minutes=30)  # a few overdue among many open tasks
    for stmt in (dashboard.overdue_count(now), dashboard.newest_overdue(now)):
        found = _plan(rt, stmt)
        assert "ix_task_ready_due" in found
        assert "TEMP B-TREE" not in found and "Seq Scan on tasks" not in found
    with rt.sessions() as s:
        overdue, newest = dashboard.overdue_tasks(s, now)
        assert overdue == dashboard.Capped(15, True)
        assert [t.due_at for t in newest] == [base + timedelta(minutes=m) for m in (29, 27, 25, 23, 21)]

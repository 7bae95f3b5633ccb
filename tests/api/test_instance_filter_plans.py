"""The search filters' plans at a few thousand instances, on SQLite and PostgreSQL: each filter's
page is a walk of its own index (migration 0013), never a scan of the instance table, and the
open-task filters probe the task tables by index, never scan them."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete

from app.clock import utcnow
from app.models import AuditEntry, InstanceGroup, ProcessInstance, TaskCandidateGroup, TaskRecord, TimerRecord
from app.services.instance_lists import InstanceFilters, list_query
from app.services.instance_search import name_key
from tests import query_plans
from tests.task_rows import Spec, instance_rows, write

N = 5000
SURNAMES = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"]
ELEMENTS = ["Task_ConfirmRecord", "Task_Investigate", "Task_ProposeSolution", "Task_CloseArchive"]
GROUPS = ["quality", "sales", "logistics", "aftersales", "cs_supervisors"]


def _bulk(rt) -> tuple[datetime, list[int]]:
    """``N`` cases over two years (ids in time order), a rare surname, level A rare, the newest
    third open with a task of one of four steps and one of five groups (rarely another), the
    others with three completed tasks each; returns the first case's time and the ids."""
    draw = random.Random(7)
    start = utcnow() - timedelta(days=730)
    rows = []
    for i in range(N):
        name = "欧阳" + str(i) if i % 500 == 0 else draw.choice(SURNAMES) + str(i)
        rows.append(
            {
                "process_key": "rare_flow" if i % 250 == 0 else "complaint_handling",
                "version": 1 + i % 3,
                "status": "completed" if i < N * 2 // 3 else "running",
                "business_key": f"TS{(start + timedelta(days=i * 730 // N)):%Y%m%d}-{i:06d}",
                "created_at": (start + timedelta(minutes=i * 730 * 1440 // N)).astimezone(UTC),
                "severity_level": "A" if i % 400 == 0 else draw.choice("BCDEEEE"),
                "customer_name": name,
                "customer_name_key": name_key(name),
                "customer_phone": f"13{draw.randrange(10**9):09d}",
            }
        )
    ids = instance_rows(rt, rows)
    specs = [
        Spec(
            [GROUPS[n % 5] if n % 97 else "legal"],
            instance=n,
            element=ELEMENTS[n % 4] if n % 89 else "Task_Rare",
            due=draw.randrange(-600, 6000),
        )
        for n in range(N * 2 // 3, N)
    ]
    specs += [
        Spec([GROUPS[n % 5]], instance=n, element=ELEMENTS[k], state="completed", completed_by="agent")
        for n in range(N * 2 // 3)
        for k in range(3)
    ]
    write(rt, ids, specs)
    return start, ids


def _filters(start: datetime) -> dict[str, tuple[InstanceFilters, str | None]]:
    """name -> (filters, the index of the instance table the page walks; None: any, by its id)."""
    day = start + timedelta(days=300)
    return {
        "severity": (InstanceFilters(severity="A"), "ix_instance_severity_id"),
        "customer name": (InstanceFilters(customer_name="欧阳"), "ix_instance_customer_name_id"),
        "customer phone": (InstanceFilters(customer_phone="1300"), "ix_instance_customer_phone_id"),
        "severity and customer": (InstanceFilters(severity="A", customer_name="欧阳"), None),
        "registration prefix": (InstanceFilters(business_key_prefix=f"TS{day:%Y%m%d}"), "ix_instance_business_key"),
        "process and version": (InstanceFilters(process_key="rare_flow", version=2), "ix_instance_key_version_id"),
        "created range": (
            InstanceFilters(created_from=day, created_before=day + timedelta(days=2)),
            "ix_instance_created_id",
        ),
        "current task": (InstanceFilters(task="Task_Rare"), None),
        "group": (InstanceFilters(group="legal"), None),
        "overdue": (InstanceFilters(overdue=True), None),
        "overdue group": (InstanceFilters(overdue=True, group="quality", status="running"), None),
    }


@pytest.fixture
def compact_afterwards(rt) -> Iterator[None]:
    """Leave the tables as small as found: on PostgreSQL thousands of deleted rows leave their
    index pages behind, and a later test's planner would weigh those (its plans would change)."""
    yield
    with rt.sessions() as s:
        for model in (TaskCandidateGroup, TaskRecord, InstanceGroup, TimerRecord, AuditEntry, ProcessInstance):
            s.execute(delete(model))
        s.commit()
    if _dialect(rt) == "postgresql":
        with rt.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in query_plans.TABLES.split(", "):
                conn.exec_driver_sql(f"VACUUM {table}")
                conn.exec_driver_sql(f"REINDEX TABLE {table}")


def _dialect(rt) -> str:
    with rt.db.connect() as conn:
        return conn.dialect.name


@pytest.mark.parametrize("cursor", [False, True])
def test_each_filter_walks_an_index(rt, cursor, compact_afterwards):
    start, ids = _bulk(rt)
    plans = {}
    for name, (filters, _index) in _filters(start).items():
        before = ids[N * 3 // 4] if cursor else None  # a cursor page inside the open cases
        plans[name] = query_plans.plan(rt, list_query(None, filters, before=before, limit=21))
    print(*(f"{name}:\n{plan}" for name, plan in plans.items()), sep="\n")
    pg = _dialect(rt) == "postgresql"
    for name, plan in plans.items():
        index = _filters(start)[name][1]
        assert "state_json" not in plan, name
        if pg:
            assert plan.splitlines()[0].startswith("Limit"), name
            assert "Seq Scan" not in plan, name
            if index:
                assert f"using {index} " in plan or f"on {index} " in plan or f"using {index}\n" in plan, name
        else:
            scans = [line for line in plan.splitlines() if line.strip().startswith("SCAN ")]
            assert all(line.strip().startswith("SCAN process_instances") for line in scans), name  # id order
            assert not any(t in plan for t in ("SCAN tasks", "SCAN task_candidate_groups")), name
            if index:
                assert f"INDEX {index} (" in plan, name

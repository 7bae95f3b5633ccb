"""Migration 0013 on a database of its own: the search columns are backfilled from the variables
of the instances already there (the product's own normalization), and the downgrade removes them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from app.services.instance_search import summary_columns
from tests.setup.migration_harness import ScratchDatabase, add_version

VARIABLES = [
    {"complainant": {"name": " Zhang  Wei ", "phone": "010-1234 5678"}, "severity": {"level": "B"}},
    {"complainant": {"name": "张三", "phone": "13800138000"}, "severity": {"level": "Z"}},
    {"complainant": "not a record", "severity": ["A"]},
    {},
]
SEARCH = ("severity_level", "customer_name", "customer_name_key", "customer_phone")
INSTANCES = sa.table(  # as revision 0012 has them; typed where the value needs converting
    "process_instances",
    *map(sa.column, ("id", "definition_id", "process_key", "version", "status", "state_json", "lock_version")),
    sa.column("variables", sa.JSON),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def test_the_search_columns_are_backfilled_and_removed_again(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0012")
    now = datetime.now(UTC)
    with scratch_db.engine.begin() as conn:
        add_version(conn)
        conn.execute(
            INSTANCES.insert(),
            [
                {
                    "id": n + 1,
                    "definition_id": 1,
                    "process_key": "flow",
                    "version": 1,
                    "status": "running",
                    "state_json": "",
                    "variables": variables,
                    "created_at": now,
                    "updated_at": now,
                    "lock_version": 1,
                }
                for n, variables in enumerate(VARIABLES)
            ],
        )
    scratch_db.upgrade("0013")
    with scratch_db.engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT {', '.join(SEARCH)} FROM process_instances ORDER BY id")).all()
    assert [dict(zip(SEARCH, row, strict=True)) for row in rows] == [summary_columns(v) for v in VARIABLES]
    assert rows[0] == ("B", "Zhang Wei", "zhang wei", "01012345678") and rows[3] == (None, None, None, None)
    indexes = scratch_db.indexes("process_instances")
    assert {"ix_instance_severity_id", "ix_instance_customer_name_id", "ix_instance_customer_phone_id"} <= indexes
    scratch_db.downgrade("0012")
    assert not set(SEARCH) & scratch_db.columns("process_instances")
    assert "ix_task_ready_element_instance" not in scratch_db.indexes("tasks")

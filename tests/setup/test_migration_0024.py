"""Migration 0024 on a database of its own: the complaint facts table and its report indexes
appear, a case's facts go with it (ON DELETE CASCADE), and the downgrade removes the table."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tests.setup.migration_harness import ScratchDatabase


def test_complaint_facts_table_comes_and_goes_with_revision_0024(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0024")
    assert "complaint_facts" in scratch_db.tables()
    assert {"ix_fact_received", "ix_fact_department_received", "ix_fact_open_overdue", "ix_fact_closed"} <= (
        scratch_db.indexes("complaint_facts")
    )
    now = datetime.now(UTC)
    with scratch_db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO process_definitions (id, key, version, name, xml, spec_json, content_hash, deployed_at) "
                "VALUES (1, 'complaint_handling', 1, 'c', '<x/>', '{}', 'h', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO process_instances (id, definition_id, process_key, version, status, state_json, "
                "variables, created_at, updated_at, lock_version) "
                "VALUES (7, 1, 'complaint_handling', 1, 'running', '', '{}', :now, :now, 1)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO complaint_facts (instance_id, received_at, received_month, status, is_open, overdue, "
                "reopened_count, secondary) VALUES (7, :now, '2026-11', 'running', true, false, 0, false)"
            ),
            {"now": now},
        )
    with scratch_db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM process_instances WHERE id = 7"))
        assert conn.scalar(sa.text("SELECT COUNT(*) FROM complaint_facts")) == 0
    scratch_db.downgrade("0023")
    assert "complaint_facts" not in scratch_db.tables()

"""Migration 0030 on a database of its own: the instance links table (a complaint and the crisis
it started) with its indexes, a link going with either case (ON DELETE CASCADE), the facts'
``attitude_complaint`` column false for existing rows, and the downgrade removing both."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tests.setup.migration_harness import ScratchDatabase

INSTANCE = (
    "INSERT INTO process_instances (id, definition_id, process_key, version, status, state_json, "
    "variables, created_at, updated_at, lock_version) VALUES (:id, 1, 'complaint_handling', 1, 'running', '', '{}', "
    ":now, :now, 1)"
)


def test_instance_links_and_the_attitude_column_come_and_go_with_revision_0030(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0025")
    now = datetime.now(UTC)
    with scratch_db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO process_definitions (id, key, version, name, xml, spec_json, content_hash, deployed_at) "
                "VALUES (1, 'complaint_handling', 1, 'c', '<x/>', '{}', 'h', :now)"
            ),
            {"now": now},
        )
        for instance_id in (7, 8):
            conn.execute(sa.text(INSTANCE), {"id": instance_id, "now": now})
        conn.execute(
            sa.text(
                "INSERT INTO complaint_facts (instance_id, received_at, received_month, status, is_open, overdue, "
                "reopened_count, secondary) VALUES (7, :now, '2026-11', 'running', true, false, 0, false)"
            ),
            {"now": now},
        )
    scratch_db.upgrade("0030")
    assert "instance_links" in scratch_db.tables()
    assert {"ix_instance_link_source", "ix_instance_link_target"} <= scratch_db.indexes("instance_links")
    with scratch_db.engine.begin() as conn:
        existing = conn.scalar(sa.text("SELECT attitude_complaint FROM complaint_facts WHERE instance_id = 7"))
        assert existing is not None and not existing  # false (SQLite: 0) for the rows already there
        conn.execute(
            sa.text(
                "INSERT INTO instance_links (source_id, target_id, reason, element_id, created_at) "
                "VALUES (7, 8, 'attitude_complaint', 'Service_StartAttitudeCrisis', :now)"
            ),
            {"now": now},
        )
    with scratch_db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM process_instances WHERE id = 8"))
        assert conn.scalar(sa.text("SELECT COUNT(*) FROM instance_links")) == 0
    scratch_db.downgrade("0025")
    assert "instance_links" not in scratch_db.tables()
    assert "attitude_complaint" not in scratch_db.columns("complaint_facts")

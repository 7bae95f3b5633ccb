"""Migration 0022 on a database of its own: the conflict-of-interest tables and their index appear,
both go with their case or task (ON DELETE CASCADE), and the downgrade removes them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tests.setup.migration_harness import ScratchDatabase


def test_exclusion_tables_come_and_go_with_revision_0022(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0022")
    assert {"instance_exclusions", "task_exclusions"} <= scratch_db.tables()
    assert "ix_instance_exclusion_user" in scratch_db.indexes("instance_exclusions")
    assert scratch_db.columns("instance_exclusions") == {"instance_id", "username", "reason", "params", "created_at"}
    now = datetime.now(UTC)
    with scratch_db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO process_definitions (id, key, version, name, xml, spec_json, content_hash, deployed_at) "
                "VALUES (1, 'appeal_review', 1, 'a', '<x/>', '{}', 'h', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO process_instances (id, definition_id, process_key, version, status, state_json, variables,"
                " created_at, updated_at, lock_version) VALUES (1, 1, 'appeal_review', 1, 'running', '', '{}',"
                " :now, :now, 1)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO instance_exclusions (instance_id, username, reason, params, created_at) "
                "VALUES (1, 'quality', 'handled_original', '{}', :now)"
            ),
            {"now": now},
        )
    with scratch_db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM process_instances WHERE id = 1"))
        assert conn.scalar(sa.text("SELECT COUNT(*) FROM instance_exclusions")) == 0
    scratch_db.downgrade("0021")
    assert not {"instance_exclusions", "task_exclusions"} & scratch_db.tables()

"""Migration 0023 on a database of its own: the confidential flag (rule 6.1) appears on versions and
instances, false for the rows already there, with HR's index; the downgrade removes them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tests.setup.migration_harness import ScratchDatabase, add_version

ADD_INSTANCE = sa.text(
    "INSERT INTO process_instances (id, definition_id, process_key, version, status, state_json, variables, "
    "created_at, updated_at, lock_version) VALUES (1, 1, 'flow', 1, 'running', '', '{}', :n, :n, 1)"
)


def test_the_confidential_flag_comes_and_goes_with_revision_0023(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0022")
    with scratch_db.engine.begin() as conn:
        add_version(conn)
        conn.execute(ADD_INSTANCE, {"n": datetime.now(UTC)})
    scratch_db.upgrade("0023")
    assert "confidential" in scratch_db.columns("process_definitions")
    assert "confidential" in scratch_db.columns("process_instances")
    assert "ix_instance_confidential_id" in scratch_db.indexes("process_instances")
    with scratch_db.engine.begin() as conn:
        assert not conn.scalar(sa.text("SELECT confidential FROM process_definitions WHERE id = 1"))
        assert not conn.scalar(sa.text("SELECT confidential FROM process_instances WHERE id = 1"))
    scratch_db.downgrade("0022")
    assert "confidential" not in scratch_db.columns("process_definitions")
    assert "confidential" not in scratch_db.columns("process_instances")
    with scratch_db.engine.begin() as conn:
        assert conn.scalar(sa.text("SELECT COUNT(*) FROM process_instances")) == 1

"""Migration 0020 on a database of its own: the drafts tables and their index appear, a draft's files
go with it (ON DELETE CASCADE), one name per draft, and the downgrade removes both tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tests.setup.migration_harness import ScratchDatabase

ADD_FILE = sa.text("INSERT INTO draft_files (draft_id, name, content, updated_at) VALUES (1, 'a.bpmn', :content, :n)")


def test_drafts_tables_come_and_go_with_revision_0020(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0020")
    now = datetime.now(UTC)
    assert {"drafts", "draft_files"} <= scratch_db.tables()
    assert "ix_draft_owner_updated" in scratch_db.indexes("drafts")
    with scratch_db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO drafts (id, owner, name, created_at, updated_at, lock_version) "
                "VALUES (1, 'analyst', 'd', :now, :now, 1)"
            ),
            {"now": now},
        )
        conn.execute(ADD_FILE, {"content": "<x/>", "n": now})
    with pytest.raises(sa.exc.IntegrityError), scratch_db.engine.begin() as conn:
        conn.execute(ADD_FILE, {"content": "", "n": now})  # the same name again
    with scratch_db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM drafts WHERE id = 1"))
        assert conn.scalar(sa.text("SELECT COUNT(*) FROM draft_files")) == 0
    scratch_db.downgrade("0019")
    assert not {"drafts", "draft_files"} & scratch_db.tables()

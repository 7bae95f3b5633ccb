"""Migration 0020 on a database of its own: the drafts tables and their index appear, a draft's files
go with it (ON DELETE CASCADE), one name per draft, and the downgrade removes both tables."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command

from tests.setup.test_migration_0013 import _alembic, database  # noqa: F401  (fixture)

ADD_FILE = sa.text("INSERT INTO draft_files (draft_id, name, content, updated_at) VALUES (1, 'a.bpmn', :content, :n)")


def test_drafts_tables_come_and_go_with_revision_0020(database: str) -> None:  # noqa: F811
    cfg = _alembic(database)
    command.upgrade(cfg, "0020")
    engine = sa.create_engine(database)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", lambda conn, _rec: conn.execute("PRAGMA foreign_keys=ON"))
    now = datetime.now(UTC)
    try:
        inspector = sa.inspect(engine)
        assert {"drafts", "draft_files"} <= set(inspector.get_table_names())
        assert "ix_draft_owner_updated" in {i["name"] for i in inspector.get_indexes("drafts")}
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO drafts (id, owner, name, created_at, updated_at, lock_version) "
                    "VALUES (1, 'analyst', 'd', :now, :now, 1)"
                ),
                {"now": now},
            )
            conn.execute(ADD_FILE, {"content": "<x/>", "n": now})
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
            conn.execute(ADD_FILE, {"content": "", "n": now})  # the same name again
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM drafts WHERE id = 1"))
            assert conn.scalar(sa.text("SELECT COUNT(*) FROM draft_files")) == 0
        command.downgrade(cfg, "0019")
        assert not {"drafts", "draft_files"} & set(sa.inspect(engine).get_table_names())
    finally:
        engine.dispose()

"""Migration 0019 on a database of its own: a version's files and deploy note arrive, deleting a
version deletes its files, one name per version, and the downgrade removes both again."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.setup.migration_harness import ScratchDatabase, add_version

DEFINITIONS = sa.table("process_definitions", sa.column("note"))
FILES = sa.table(
    "definition_files", *(sa.column(c) for c in ("definition_id", "kind", "name", "content", "sha256", "size"))
)
FILE = {"definition_id": 1, "kind": "form", "name": "forms/a.json", "content": "{}", "sha256": "0" * 64, "size": 2}


def test_version_files_and_the_note_come_and_go(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0019")
    with scratch_db.engine.begin() as conn:
        add_version(conn, note="why")
        conn.execute(FILES.insert().values(**FILE))
    with pytest.raises(sa.exc.IntegrityError), scratch_db.engine.begin() as conn:
        conn.execute(FILES.insert().values(**FILE))  # one name per version
    with scratch_db.engine.begin() as conn:
        assert conn.execute(sa.select(DEFINITIONS.c.note)).scalar_one() == "why"
        conn.execute(DEFINITIONS.delete())
        assert conn.execute(sa.select(sa.func.count()).select_from(FILES)).scalar_one() == 0  # cascaded

    scratch_db.downgrade("0018")
    assert "definition_files" not in scratch_db.tables()
    assert "note" not in scratch_db.columns("process_definitions")
    scratch_db.upgrade("head")

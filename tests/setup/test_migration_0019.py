"""Migration 0019 on a database of its own: a version's files and deploy note arrive, deleting a
version deletes its files, one name per version, and the downgrade removes both again."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from app.config import ROOT


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or (on PostgreSQL) a scratch database beside the test one."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    name = f"{make_url(url).database}_m19_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _alembic(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def _engine(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    if url.startswith("sqlite"):
        sa.event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
    return engine


def test_version_files_and_the_note_come_and_go(database: str) -> None:
    cfg = _alembic(database)
    command.upgrade(cfg, "0019")
    engine = _engine(database)
    columns = ("id", "key", "version", "name", "xml", "spec_json", "content_hash", "deployed_at", "note")
    definitions = sa.table("process_definitions", *(sa.column(c) for c in columns))
    files = sa.table(
        "definition_files", *(sa.column(c) for c in ("definition_id", "kind", "name", "content", "sha256", "size"))
    )
    row = {"definition_id": 1, "kind": "form", "name": "forms/a.json", "content": "{}", "sha256": "0" * 64, "size": 2}
    with engine.begin() as conn:
        conn.execute(
            definitions.insert().values(
                id=1,
                key="flow",
                version=1,
                name="Flow",
                xml="",
                spec_json="",
                content_hash="x",
                deployed_at=datetime.now(UTC),
                note="why",
            )
        )
        conn.execute(files.insert().values(**row))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(files.insert().values(**row))  # one name per version
    with engine.begin() as conn:
        assert conn.execute(sa.select(definitions.c.note)).scalar_one() == "why"
        conn.execute(definitions.delete())
        assert conn.execute(sa.select(sa.func.count()).select_from(files)).scalar_one() == 0  # cascaded
    engine.dispose()

    command.downgrade(cfg, "0018")
    engine = _engine(database)
    inspector = sa.inspect(engine)
    assert "definition_files" not in inspector.get_table_names()
    assert "note" not in {c["name"] for c in inspector.get_columns("process_definitions")}
    engine.dispose()
    command.upgrade(cfg, "head")

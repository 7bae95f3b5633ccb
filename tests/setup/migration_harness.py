"""The harness of the migration tests: a database of their own (a SQLite file, or on PostgreSQL a scratch
database beside the test database, dropped afterwards), Alembic pointed at it, and the old-shape rows a
test seeds before it upgrades. A test takes the ``scratch_db`` fixture (``tests/setup/conftest.py``):

    scratch_db.upgrade("0012")            # the schema before the revision under test
    with scratch_db.engine.begin() as conn:
        add_version(conn)                 # rows in the old shape
    scratch_db.upgrade("0013")            # then check what the revision made of them
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import make_url

from app.config import ROOT


class ScratchDatabase:
    """One migration test's database: Alembic moves it between revisions, ``engine`` reads and writes it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.config = Config(str(ROOT / "alembic.ini"))
        self.config.set_main_option("script_location", str(ROOT / "migrations"))
        self.config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))

    @cached_property
    def engine(self) -> sa.Engine:
        """An engine on the database, enforcing foreign keys on SQLite too (as the app's does)."""
        engine = sa.create_engine(self.url)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", lambda conn, _record: conn.execute("PRAGMA foreign_keys=ON"))
        return engine

    def upgrade(self, revision: str) -> None:
        self.engine.dispose()  # Alembic works on a connection of its own; ours start afresh on the new schema
        command.upgrade(self.config, revision)

    def downgrade(self, revision: str) -> None:
        self.engine.dispose()
        command.downgrade(self.config, revision)

    def tables(self) -> set[str]:
        return set(sa.inspect(self.engine).get_table_names())

    def columns(self, table: str) -> set[str]:
        return {c["name"] for c in sa.inspect(self.engine).get_columns(table)}

    def indexes(self, table: str) -> set[str]:
        return {str(i["name"]) for i in sa.inspect(self.engine).get_indexes(table)}


@contextmanager
def scratch_database(tmp_path: Path) -> Iterator[ScratchDatabase]:
    """A migration test's database, empty (not even Alembic's version table)."""
    with _empty_database(tmp_path) as url:
        db = ScratchDatabase(url)
        try:
            yield db
        finally:
            db.engine.dispose()  # before the database goes


@contextmanager
def _empty_database(tmp_path: Path) -> Iterator[str]:
    """A SQLite file under ``tmp_path``, or (when the tests run on PostgreSQL) a scratch database
    beside ``TEST_DATABASE_URL``'s, dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    name = f"{make_url(url).database}_mig_{uuid.uuid4().hex[:6]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def add_version(conn: sa.Connection, **columns: Any) -> None:
    """Seed the process version other rows hang on: id 1, key ``flow``, version 1 (the columns every
    revision has, and ``columns``, e.g. a later revision's)."""
    values = {
        "id": 1,
        "key": "flow",
        "version": 1,
        "name": "Flow",
        "xml": "",
        "spec_json": "",
        "content_hash": "x",
        "deployed_at": datetime.now(UTC),
        **columns,
    }
    conn.execute(sa.table("process_definitions", *map(sa.column, values)).insert().values(**values))

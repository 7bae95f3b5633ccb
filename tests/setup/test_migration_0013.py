"""Migration 0013 on a database of its own: the search columns are backfilled from the variables
of the instances already there (the product's own normalization), and the downgrade removes them."""

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
from app.services.instance_search import summary_columns

VARIABLES = [
    {"complainant": {"name": " Zhang  Wei ", "phone": "010-1234 5678"}, "severity": {"level": "B"}},
    {"complainant": {"name": "张三", "phone": "13800138000"}, "severity": {"level": "Z"}},
    {"complainant": "not a record", "severity": ["A"]},
    {},
]
SEARCH = ("severity_level", "customer_name", "customer_name_key", "customer_phone")


@pytest.fixture
def database(tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or (when the tests run on PostgreSQL) a scratch database
    beside the test database, dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    name = f"{make_url(url).database}_m13_{uuid.uuid4().hex[:6]}"
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


def test_the_search_columns_are_backfilled_and_removed_again(database: str) -> None:
    cfg = _alembic(database)
    command.upgrade(cfg, "0012")
    engine = sa.create_engine(database)
    now = datetime.now(UTC)
    definitions = sa.table(
        "process_definitions",
        *(sa.column(c) for c in ("id", "key", "version", "name", "xml", "spec_json", "content_hash", "deployed_at")),
    )
    instances = sa.table(
        "process_instances",
        sa.column("id", sa.Integer),
        sa.column("definition_id", sa.Integer),
        sa.column("process_key", sa.String),
        sa.column("version", sa.Integer),
        sa.column("status", sa.String),
        sa.column("state_json", sa.Text),
        sa.column("variables", sa.JSON),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("lock_version", sa.Integer),
    )
    with engine.begin() as conn:
        conn.execute(
            definitions.insert().values(
                id=1, key="flow", version=1, name="Flow", xml="", spec_json="", content_hash="x", deployed_at=now
            )
        )
        conn.execute(
            instances.insert(),
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
    command.upgrade(cfg, "0013")
    with engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT {', '.join(SEARCH)} FROM process_instances ORDER BY id")).all()
    assert [dict(zip(SEARCH, row, strict=True)) for row in rows] == [summary_columns(v) for v in VARIABLES]
    assert rows[0] == ("B", "Zhang Wei", "zhang wei", "01012345678") and rows[3] == (None, None, None, None)
    indexes = {i["name"] for i in sa.inspect(engine).get_indexes("process_instances")}
    assert {"ix_instance_severity_id", "ix_instance_customer_name_id", "ix_instance_customer_phone_id"} <= indexes
    command.downgrade(cfg, "0012")
    inspector = sa.inspect(engine)
    assert not set(SEARCH) & {c["name"] for c in inspector.get_columns("process_instances")}
    assert "ix_task_ready_element_instance" not in {i["name"] for i in inspector.get_indexes("tasks")}
    engine.dispose()

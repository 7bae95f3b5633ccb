"""Test fixtures: one app and one database per run (SQLite by default, PostgreSQL when
``TEST_DATABASE_URL`` points at one); rows written by a test are removed after it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select

from app import create_app
from app.cli import setup_product
from app.models import (
    Attachment,
    AuditEntry,
    ComplaintBatch,
    ComplaintMonthRollup,
    Incident,
    InstanceGroup,
    Notification,
    ProcessDefinition,
    ProcessInstance,
    SalesVolume,
    SimulationRun,
    TaskCandidateGroup,
    TaskRecord,
    TimerRecord,
    User,
)
from app.runtime import Runtime
from app.scheduling import start_scheduler, stop_scheduler

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    folder = tempfile.mkdtemp(prefix="complaints-test-")
    return f"sqlite:///{folder}/test.db"


@pytest.fixture(scope="session")
def app() -> Iterator[Flask]:
    app = create_app(
        database_url=_database_url(),
        testing=True,
        demo_data=True,
        simulated_clock=True,
        secret_key="test-secret-key-0123456789",
        attachments_dir=Path(tempfile.mkdtemp(prefix="complaints-attachments-")),
    )
    rt: Runtime = app.extensions["runtime"]
    _drop_everything(rt)
    setup_product(rt, demo=True)
    start_scheduler(app)
    yield app
    stop_scheduler()
    rt.db.dispose()


def _drop_everything(rt: Runtime) -> None:
    """Start from an empty schema so migrations run from revision zero every run."""
    from sqlalchemy import MetaData, text

    with rt.db.connect() as conn:
        meta = MetaData()
        meta.reflect(conn)
        meta.drop_all(conn)
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        conn.commit()


@pytest.fixture(scope="session")
def rt(app: Flask) -> Runtime:
    runtime: Runtime = app.extensions["runtime"]
    return runtime


@pytest.fixture(autouse=True)
def _clean_rows(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    if "app" not in request.fixturenames:
        return
    runtime: Runtime = request.getfixturevalue("rt")
    with runtime.sessions() as s:
        for model in (
            Attachment,
            AuditEntry,
            Incident,
            Notification,
            TimerRecord,
            TaskCandidateGroup,
            TaskRecord,
            InstanceGroup,
            ProcessInstance,
            SimulationRun,
            ComplaintBatch,
            SalesVolume,
            ComplaintMonthRollup,
        ):
            s.execute(delete(model))
        s.execute(delete(ProcessDefinition).where(ProcessDefinition.deployed_by != "system"))
        s.commit()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


_TOKENS: dict[tuple[str, int], str] = {}


def _session_version(client: FlaskClient, username: str) -> int:
    """Logging out (tests/web does) revokes every token of the user by bumping this number."""
    runtime: Runtime = client.application.extensions["runtime"]
    with runtime.sessions() as s:
        return s.scalar(select(User.session_version).where(User.username == username)) or 0


class Api:
    """A logged-in API caller: ``api.post(path, json=..., expect=201)`` returns the JSON body."""

    def __init__(self, client: FlaskClient, username: str | None) -> None:
        self.client = client
        self.username = username
        self.headers: dict[str, str] = {}
        if username:
            # password hashing is slow by design: log in once per run (again after a test logged out)
            cached = (username, _session_version(client, username))
            if cached not in _TOKENS:
                r = client.post("/api/v1/auth/token", json={"username": username, "password": username})
                assert r.status_code == 200, r.get_json()
                _TOKENS[cached] = r.get_json()["token"]
            self.headers["Authorization"] = f"Bearer {_TOKENS[cached]}"

    def call(self, method: str, path: str, *, expect: int | None = None, **kw: Any) -> Any:
        headers = {**self.headers, **kw.pop("headers", {})}
        r = self.client.open(f"/api/v1{path}", method=method, headers=headers, **kw)
        if expect is not None:
            assert r.status_code == expect, f"{method} {path}: {r.status_code} {r.get_data(as_text=True)[:800]}"
        self.last = r
        return r.get_json(silent=True)

    def get(self, path: str, **kw: Any) -> Any:
        return self.call("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Any:
        return self.call("POST", path, **kw)

    def deploy(self, xml: bytes, *, expect: int | None = 201) -> Any:
        return self.post("/process-definitions", data=xml, headers={"Content-Type": "application/xml"}, expect=expect)


@pytest.fixture
def login(client: FlaskClient) -> Any:
    """``login("agent")`` -> an ``Api`` acting as that demo user."""

    def _login(username: str | None) -> Api:
        return Api(client, username)

    return _login


@pytest.fixture
def shared_dir() -> Path:
    assert SHARED.is_dir(), f"shared/ not found at {SHARED}"
    return SHARED

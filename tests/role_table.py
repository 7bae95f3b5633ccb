"""Who may use which route: one table for every page and API endpoint, by role.

Every (method, URL rule) of ``app.url_map`` must have a row in the lists ``tests/role_rows.py`` assembles (one
module per area, named there), or the coverage tests in ``tests/web/test_role_refusals.py`` and
``tests/api/test_role_refusals.py`` fail and name it.
A row gives the expected outcome for each role, in the order of ``ROLES``:

    ok     let through: a 2xx, or a redirect that is not to the login page
    login  a redirect to the login page (pages, anonymous)
    401    not authenticated (API, anonymous)
    403    refused for the role
    404    not found for this user (someone else's thing)
    409    let through to the state checks (the row says why it can't succeed)
    428    let through to the precondition check (an edit without ``If-Match``)
    422    let through to the input checks (the row says why it can't succeed)

Adding a route: add ``row("POST", "/api/v1/things/<int:thing_id>", "/api/v1/things/{instance}",
"401 403 403 ok ok", json={...})``. Routes any logged-in user may use go through ``any_user(...)``,
routes open to everyone through ``public(...)``, each with the reason. Paths may name the
``World``'s things in braces: ``{instance}`` (a complaint registered by agent, its first task
held by agent), ``{task}`` (that task), ``{free_task}`` (that task given back to its group),
``{notification}`` (one of agent's notifications), ``{key}`` / ``{version}`` (the complaint
process), ``{simulation}`` (analyst's simulation run of it) and ``{simulation_task}`` (its first
task). Only what a path names is made.
"""

from __future__ import annotations

import io
import string
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from app.models import AuditEntry, Notification, ProcessDefinition, ProcessInstance, TaskRecord, User
from app.runtime import Runtime
from tests.conftest import Api

ROLES = ("anonymous", "agent", "manager", "analyst", "admin")
USERS = {"agent": "agent", "manager": "manager", "analyst": "analyst", "admin": "admin"}
OUTCOMES = frozenset({"ok", "login", "401", "403", "404", "409", "422", "428"})

V1 = "/api/v1"

COMPLAINT = "complaint_handling"
INTAKE = {"channel": "phone", "complainant": {"name": "张三", "phone": "13800138000"}, "description": "牛奶有异味"}
PHOTO = {"file": (b"\xff\xd8\xff\xe0" + b"\x00" * 64, "photo.jpg")}  # a JPEG by its first bytes
INTAKE_FORM = {
    "channel": "phone",
    "complainant.name": "张三",
    "complainant.phone": "13800138000",
    "description": "牛奶有异味",
}
CONFIRM = {"record_confirmed": True, "acceptance_decision": "accepted", "promised_reply_hours": 24}
CONFIRM_FORM = {"record_confirmed": "on", "acceptance_decision": "accepted", "promised_reply_hours": "24"}


@dataclass(frozen=True)
class Row:
    method: str
    rule: str  # exactly as in app.url_map
    path: str  # the URL to call, with {names} of World things
    expected: dict[str, str]
    reason: str = ""
    json: Any = None
    form: dict[str, Any] | None = None
    xml: bytes | None = None
    files: dict[str, tuple[bytes, str]] | None = None  # multipart uploads: field -> (content, file name)
    lands_on_login: bool = False  # success is a redirect to the login page (logging out)

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.rule)

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def row(method: str, rule: str, path: str | None, outcomes: str, reason: str = "", **body: Any) -> Row:
    """One route's expected outcome per role (``outcomes``: one word per role of ``ROLES``)."""
    words = outcomes.split()
    assert len(words) == len(ROLES) and set(words) <= OUTCOMES, f"{method} {rule}: bad outcomes {outcomes!r}"
    return Row(method, rule, path if path is not None else rule, dict(zip(ROLES, words, strict=True)), reason, **body)


def any_user(method: str, rule: str, path: str | None = None, *, reason: str, **body: Any) -> Row:
    """A route every logged-in user may use (what it shows is filtered to the user)."""
    anonymous = "401" if rule.startswith("/api/") else "login"
    return row(method, rule, path, f"{anonymous} ok ok ok ok", reason, **body)


def public(method: str, rule: str, path: str | None = None, *, reason: str, **body: Any) -> Row:
    """A route open to everyone, logged in or not."""
    return row(method, rule, path, "ok ok ok ok ok", reason, **body)


# Flask's own static route: the app serves nothing from it (our files are under /web-static)
NOT_OURS = {("GET", "/static/<path:filename>")}


def routes(app: Flask, *, api: bool) -> set[tuple[str, str]]:
    """Every (method, rule) the app answers, web or API half."""
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.add((method, rule.rule))
    return found - NOT_OURS


@dataclass
class World:
    """The things a row's path names, made on first use: a complaint registered by agent, ..."""

    client: FlaskClient
    rt: Runtime
    made: dict[str, Any] = field(default_factory=dict)

    def path(self, template: str) -> str:
        names = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        return template.format(**{name: getattr(self, name) for name in names})

    def state(self) -> tuple[Any, ...]:
        """What a refused request must leave as it was: instances, tasks, notifications,
        definitions, and the audit trail (a refusal changes nothing and records nothing)."""
        with self.rt.sessions() as s:
            return (
                s.execute(select(ProcessInstance.id, ProcessInstance.status, ProcessInstance.lock_version)).all(),
                s.execute(select(TaskRecord.id, TaskRecord.state, TaskRecord.assignee)).all(),
                s.execute(select(Notification.id, Notification.read_at)).all(),
                s.scalar(select(func.count()).select_from(ProcessDefinition)),
                s.scalar(select(func.count()).select_from(AuditEntry)),
            )

    @cached_property
    def instance(self) -> int:
        created = Api(self.client, "agent").post(
            "/process-instances", json={"process_key": COMPLAINT, "variables": INTAKE}, expect=201
        )
        return int(created["id"])

    @cached_property
    def task(self) -> str:
        with self.rt.sessions() as s:
            task_id = s.scalar(
                select(TaskRecord.id).where(TaskRecord.instance_id == self.instance, TaskRecord.state == "ready")
            )
        assert task_id is not None
        return task_id

    @cached_property
    def free_task(self) -> str:
        Api(self.client, "admin").post(f"/tasks/{self.task}/unclaim", expect=200)
        return self.task

    @cached_property
    def notification(self) -> int:
        with self.rt.sessions() as s:
            note = Notification(username="agent", kind="info", title="t", message="m", email_status="none")
            s.add(note)
            s.commit()
            return note.id

    @cached_property
    def attachment(self) -> int:
        with self.client.application.test_client() as client:
            r = client.post(
                f"/api/v1/process-instances/{self.instance}/attachments",
                data={"file": (io.BytesIO(PHOTO["file"][0]), "photo.jpg")},
                headers=Api(client, "agent").headers,
            )
        assert r.status_code == 201, r.get_data(as_text=True)
        return int(r.get_json()["id"])

    @cached_property
    def simulation(self) -> int:
        """A simulation run of the complaint process, owned by analyst."""
        run = Api(self.client, "analyst").post(
            "/simulations", json={"process_key": COMPLAINT, "variables": INTAKE}, expect=201
        )
        self.made["simulation_task"] = run["tasks"][0]["id"]
        return int(run["id"])

    @cached_property
    def simulation_task(self) -> str:
        """The first ready task of that run."""
        assert self.simulation
        return str(self.made["simulation_task"])

    @cached_property
    def key(self) -> str:
        return COMPLAINT

    @cached_property
    def version(self) -> int:
        with self.rt.sessions() as s:
            found = s.scalar(select(ProcessDefinition.version).where(ProcessDefinition.key == COMPLAINT))
        assert found is not None
        return found


CSRF = "role-table-csrf-token"


def browser_client(app: Flask, role: str) -> FlaskClient:
    """A test client with the browser session that logging in as ``role`` gives (none: anonymous)."""
    client = app.test_client()
    rt: Runtime = app.extensions["runtime"]
    with client.session_transaction() as session:
        session["csrf"] = CSRF
        if role != "anonymous":
            with rt.sessions() as s:
                user = s.scalar(select(User).where(User.username == USERS[role]))
                assert user is not None
                session["uid"], session["sv"] = user.id, user.session_version
    return client


def call(app: Flask, item: Row, path: str, role: str) -> TestResponse:
    """Make the row's request to ``path`` as ``role``: a browser session for pages, a bearer token for the API."""
    if item.api:
        client = app.test_client()
        headers = Api(client, USERS[role]).headers if role != "anonymous" else {}
        if item.xml is not None:
            return client.open(
                path, method=item.method, data=item.xml, headers={**headers, "Content-Type": "application/xml"}
            )
        if item.files is not None:
            return client.open(path, method=item.method, data=_uploads(item), headers=headers)
        return client.open(path, method=item.method, json=item.json, headers=headers)
    client = browser_client(app, role)
    if item.method == "GET":
        return client.get(path)
    return client.open(path, method=item.method, data={"csrf_token": CSRF, **(item.form or {}), **_uploads(item)})


def _uploads(item: Row) -> dict[str, Any]:
    """The row's files as fresh streams (a stream is used up by one request)."""
    return {name: (io.BytesIO(content), filename) for name, (content, filename) in (item.files or {}).items()}


def outcome(item: Row, response: TestResponse) -> str:
    """The table's word for what happened."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        to_login = response.headers.get("Location", "").split("?")[0].endswith("/login")
        return "login" if to_login and not item.lands_on_login else "ok"
    if status < 300:
        return "ok"
    return str(status)

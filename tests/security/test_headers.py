"""Browser security headers on every response, and uploaded diagrams served so that no browser
runs them (issue 6, item 5)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.models import TaskRecord
from app.runtime import Runtime
from tests.evidence import upload_photo

HOSTILE_DIAGRAM = Path(__file__).parent / "hostile" / "xhtml_script.bpmn"
INTAKE = {"channel": "phone", "complainant": {"name": "张三", "phone": "13800138000"}, "description": "牛奶有异味"}


def assert_protected(r: Any, what: str) -> None:
    csp = r.headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in csp, f"{what}: CSP {csp!r}"
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, f"{what}: {csp!r}"
    scripts = [d.strip() for d in csp.split(";") if d.strip().startswith("script-src")]
    assert scripts in ([], ["script-src 'self'"]), f"{what}: scripts only from our own static files: {csp!r}"
    assert r.headers.get("X-Frame-Options") == "DENY", what
    assert r.headers.get("X-Content-Type-Options") == "nosniff", what
    assert r.headers.get("Referrer-Policy") == "same-origin", what


@pytest.fixture
def world(login, rt: Runtime) -> dict[str, Any]:
    """A deployed hostile diagram, a running complaint with a ready task: real ids for every route."""
    login("analyst").deploy(HOSTILE_DIAGRAM.read_bytes())
    started = login("agent").post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201
    )
    with rt.sessions() as s:
        task_id = s.scalar(select(TaskRecord.id).where(TaskRecord.instance_id == started["id"]))
    photo = upload_photo(login("agent"), started["id"])
    return {
        "attachment_id": photo,
        "instance_id": started["id"],
        "task_id": task_id,
        "key": "xhtml_script",
        "version": 1,
        "notification_id": 1,
        "filename": "style.css",
        "process_key": "complaint_handling",
        "action": "suspend",
        "element_id": "Task_ConfirmRecord",
        "draft_id": 1,
        "run_id": 1,
        "a": 1,
        "b": 1,
        "name": "forms/no_such_form.json",  # a version's file (404 here; served in test_bundle_deploy)
        "finding_id": 1,
    }


def _paths(app: Flask, world: dict[str, Any], method: str) -> list[str]:
    paths = []
    for rule in app.url_map.iter_rules():
        if method in (rule.methods or set()):
            paths.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(world[m.group(1)]), rule.rule))
    return paths


def test_every_get_route_carries_the_headers_for_admin_and_anonymous(app, world, browser, client):
    admin = browser("admin")
    paths = [*_paths(app, world, "GET"), "/no/such/page", "/api/v1/no/such/thing", "/static/nothing.css"]
    assert len(paths) > 20
    for path in paths:
        for who, caller in (("admin", admin.client), ("anonymous", client)):
            r = caller.get(path)
            r.close()  # static files are streamed
            assert_protected(r, f"GET {path} as {who} ({r.status_code})")


def test_every_unsafe_route_and_every_error_carries_the_headers(app, world, client):
    for path in _paths(app, world, "POST"):
        r = client.post(path, data="x", content_type="text/plain")
        assert r.status_code >= 400, path
        assert_protected(r, f"POST {path} ({r.status_code})")
    assert_protected(client.delete("/api/v1/me"), "405")
    assert_protected(client.post("/api/v1/auth/token", json={"username": "agent", "password": "no"}), "401")


def test_diagram_with_an_xhtml_script_is_a_download_never_a_page(world, browser):
    admin = browser("admin")  # the attack: an admin's browser session opens the analyst's diagram
    r = admin.client.get("/api/v1/process-definitions/xhtml_script/versions/1/xml")
    assert r.status_code == 200
    assert r.get_data() == HOSTILE_DIAGRAM.read_bytes()  # unchanged, but never rendered:
    assert r.headers["Content-Disposition"] == "attachment; filename=xhtml_script-v1.bpmn"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    csp = r.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert_protected(r, "diagram xml")


def test_pages_need_nothing_the_policy_forbids(world, browser):
    """The policy allows scripts only as files of our own origin and no inline style: the pages
    must not rely on an inline script, an event handler attribute or a style attribute."""
    agent = browser("agent")
    anonymous = browser()
    pages = [
        (anonymous, "/login"),
        (agent, "/"),
        (agent, "/start"),
        (agent, "/start/complaint_handling"),
        (agent, "/instances"),
        (agent, f"/instances/{world['instance_id']}"),
        (agent, f"/tasks/{world['task_id']}"),
        (agent, "/notifications"),
        (agent, "/findings"),
        (agent, "/instances/999999999"),
    ]
    for who, path in pages:
        r = who.get(path)
        page = r.get_data(as_text=True)
        assert r.mimetype == "text/html", path
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page, re.I | re.S)
        assert page.lower().count("<script") == len(scripts), path
        for attributes, body in scripts:
            assert re.search(r'\ssrc="/[^/"]', attributes) and not body.strip(), (path, attributes)
        assert not re.search(r"\sstyle\s*=", page, re.I), path
        assert not re.search(r"<[^>]*\son\w+\s*=", page, re.I), path
        for url in re.findall(r'<(?:link|img|iframe|object|embed)[^>]*(?:href|src)="([^"]+)"', page):
            assert url.startswith("/") and not url.startswith("//"), (path, url)
        assert_protected(r, path)

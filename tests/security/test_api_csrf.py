"""CSRF through the API (issue 6, item 6): the session cookie alone never changes anything.

A page on another site can make the browser send the cookie with a ``text/plain`` form or a
multipart upload; only a request that also carries the session's token in ``X-CSRF-Token``
(which such a page cannot read) or a bearer token may act."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from app.models import ProcessDefinition, ProcessInstance
from app.runtime import Runtime
from tests.diagrams import two_step

INTAKE = {"channel": "phone", "complainant": {"name": "张三", "phone": "13800138000"}, "description": "牛奶有异味"}
# what <form enctype="text/plain"> on another site sends: "name=value", the name shaped as JSON
FORGED_START = (
    '{"process_key": "complaint_handling", "variables": {"channel": "phone", '
    '"complainant": {"name": "x", "phone": "13800138000"}, "description": "' + '=forged"}}'
)


def _instances(rt: Runtime) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(ProcessInstance)) or 0


def _status(rt: Runtime, instance_id: int) -> str:
    with rt.sessions() as s:
        model = s.get(ProcessInstance, instance_id)
        assert model is not None
        return model.status


def _refused(r) -> None:
    assert r.status_code == 403, r.get_data(as_text=True)[:300]
    assert r.get_json()["error"]["code"] == "csrf_failed"


def test_text_plain_form_with_the_admins_cookie_starts_nothing(browser, rt):
    admin = browser("admin")
    before = _instances(rt)
    r = admin.client.post("/api/v1/process-instances", data=FORGED_START, content_type="text/plain")
    _refused(r)
    r = admin.client.post("/api/v1/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE})
    _refused(r)
    assert _instances(rt) == before


def test_terminate_with_only_the_cookie_is_refused(browser, login, rt):
    started = login("agent").post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201
    )
    admin = browser("admin")
    r = admin.client.post(
        f"/api/v1/process-instances/{started['id']}/terminate", data="reason=x", content_type="text/plain"
    )
    _refused(r)
    assert _status(rt, started["id"]) == "running"


def test_multipart_deploy_with_the_analysts_cookie_is_refused(browser, rt):
    analyst = browser("analyst")
    upload = {"file": (io.BytesIO(two_step("csrf_deploy")), "d.bpmn")}
    _refused(analyst.client.post("/api/v1/process-definitions", data=upload, content_type="multipart/form-data"))
    with rt.sessions() as s:
        assert s.scalar(select(ProcessDefinition).where(ProcessDefinition.key == "csrf_deploy")) is None


def test_every_unsafe_api_route_refuses_the_bare_cookie(app, browser):
    admin = browser("admin")
    values = {"instance_id": "1", "task_id": "t", "notification_id": "1", "action": "terminate", "element_id": "e"}
    values |= {"draft_id": "1", "run_id": "1", "name": "x.bpmn", "key": "k", "version": "1", "a": "1", "b": "2"}
    values |= {"finding_id": "1"}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint == "api_accounts.token":
            continue
        for method in sorted((rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}):
            path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], rule.rule)
            _refused(admin.client.open(path, method=method, data="{}", content_type="text/plain"))
            checked += 1
    assert checked >= 10


def test_wrong_csrf_header_is_refused(browser):
    admin = browser("admin")
    r = admin.client.post("/api/v1/notifications/read-all", headers={"X-CSRF-Token": "guessed"})
    _refused(r)


def test_the_sessions_token_in_the_header_lets_the_browser_ui_call_the_api(browser, rt):
    agent = browser("agent")
    me = agent.client.get("/api/v1/me")  # reading is allowed with the cookie; the token is not readable cross-site
    assert me.status_code == 200
    token = me.get_json()["csrf_token"]
    before = _instances(rt)
    r = agent.client.post(
        "/api/v1/process-instances",
        json={"process_key": "complaint_handling", "variables": INTAKE},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    assert _instances(rt) == before + 1


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/tasks", "/api/v1/process-instances"])
def test_safe_reads_with_the_cookie_still_work(browser, path):
    assert browser("agent").client.get(path).status_code == 200


def test_bearer_tokens_need_no_csrf_header(login, rt):
    before = _instances(rt)
    login("agent").post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201
    )
    assert "csrf_token" not in login("agent").get("/me", expect=200)
    assert _instances(rt) == before + 1

"""JSON bodies: only ``application/json`` (415), no NUL or lone surrogate anywhere (422 naming the
field, nothing stored), nesting limited (422), never a 500."""

from __future__ import annotations

import json

import pytest

from tests.diagrams import two_step
from tests.scenario.conftest import INTAKE
from tests.security.request_helpers import browser, stored

BODY = json.dumps({"process_key": "flow_input", "variables": {"a": 1}}).encode()


@pytest.fixture
def flow(login):
    login("analyst").deploy(two_step("flow_input"))
    return "flow_input"


def raw_post(api, path, data: bytes, content_type: str | None):
    headers = dict(api.headers)
    if content_type is not None:
        headers["Content-Type"] = content_type
    r = api.client.post(f"/api/v1{path}", data=data, headers=headers)
    return r.status_code, r.get_json(silent=True)


# --- media type (item 6) ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "text/plain; charset=utf-8",
        "application/json; charset=latin-1",
        "application/xml",
        None,
    ],
)
def test_start_refuses_bodies_that_are_not_json(rt, login, flow, content_type):
    before = stored(rt)
    status, body = raw_post(login("agent"), "/process-instances", BODY, content_type)
    assert status == 415, body
    assert body["error"]["code"] == "unsupported_media_type"
    assert "application/json" in body["error"]["message"]
    assert body["error"]["details"][0]["field"] == "Content-Type"
    assert stored(rt) == before


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/auth/token", {"username": "agent", "password": "agent"}),
        ("/tasks/none/complete", {"data": {}}),
        ("/admin/clock", {"advance_seconds": 1}),
        ("/process-instances/1/repeat-contact", {"note": "x"}),
    ],
)
def test_every_json_endpoint_refuses_text_plain(login, path, body):
    status, answer = raw_post(login("admin"), path, json.dumps(body).encode(), "text/plain")
    assert status == 415, answer
    assert answer["error"]["code"] == "unsupported_media_type"


def test_json_with_utf8_charset_is_accepted(login, flow):
    status, body = raw_post(login("agent"), "/process-instances", BODY, "application/json; charset=UTF-8")
    assert status == 201, body


# --- NUL and lone surrogates (item 7) ---------------------------------------------------------
BAD_TEXT = {
    "surrogate_escape": '"x\\ud800y"',
    "low_surrogate_escape": '"\\udfff"',
    "nul_escape": '"a\\u0000b"',
}
# where the bad text goes in the start body, and the field the answer must name
PLACES = {
    "value": ('{{"process_key": "flow_input", "variables": {{"customer_name": {bad}}}}}', "variables.customer_name"),
    "nested": ('{{"process_key": "flow_input", "variables": {{"c": {{"name": {bad}}}}}}}', "variables.c.name"),
    "list_item": ('{{"process_key": "flow_input", "variables": {{"tags": ["ok", {bad}]}}}}', "variables.tags.1"),
    "key": ('{{"process_key": "flow_input", "variables": {{{bad}: 1}}}}', "variables."),
    "process_key": ('{{"process_key": {bad}}}', "process_key"),
}


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("bad", BAD_TEXT)
def test_start_refuses_nul_and_lone_surrogates_naming_the_field(rt, login, flow, place, bad):
    template, field = PLACES[place]
    before = stored(rt)
    status, body = raw_post(
        login("agent"), "/process-instances", template.format(bad=BAD_TEXT[bad]).encode(), "application/json"
    )
    assert status == 422, body
    assert body["error"]["code"] == "unsafe_text"
    detail = body["error"]["details"][0]
    assert detail["field"].startswith(field) and detail["message"]
    assert stored(rt) == before


def test_utf8_encoded_surrogate_bytes_are_refused_too(rt, login, flow):
    data = b'{"process_key": "flow_input", "variables": {"customer_name": "\xed\xa0\x80"}}'
    before = stored(rt)
    status, body = raw_post(login("agent"), "/process-instances", data, "application/json")
    assert status == 422, body
    assert body["error"]["details"][0]["field"] == "variables.customer_name"
    assert stored(rt) == before


def test_a_raw_nul_byte_in_json_is_malformed(login, flow):
    data = b'{"process_key": "flow_input", "variables": {"a": "x\x00y"}}'
    status, body = raw_post(login("agent"), "/process-instances", data, "application/json")
    assert status == 400 and body["error"]["code"] == "malformed_json"


def test_login_with_a_nul_in_the_username_is_a_clear_error(login):
    status, body = raw_post(
        login(None), "/auth/token", b'{"username": "a\\u0000", "password": "x"}', "application/json"
    )
    assert status == 422 and body["error"]["details"][0]["field"] == "username"


def test_refused_task_data_leaves_the_complaint_intact(app, rt, login):
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201)
    task = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)[0]
    before = stored(rt)
    data = json.dumps({"data": {"record_confirmed": True, "acceptance_decision": "accepted"}})
    for bad in BAD_TEXT.values():
        hostile = data.replace('"accepted"', bad).encode()
        status, body = raw_post(agent, f"/tasks/{task['id']}/complete", hostile, "application/json")
        assert status == 422, body
        assert body["error"]["details"][0]["field"] == "data.acceptance_decision"
        status, body = raw_post(
            agent, f"/process-instances/{inst['id']}/repeat-contact", f'{{"note": {bad}}}'.encode(), "application/json"
        )
        assert status == 422 and body["error"]["details"][0]["field"] == "note", body
    assert stored(rt) == before
    full = agent.get(f"/process-instances/{inst['id']}", expect=200)
    assert [t["id"] for t in full["tasks"]] == [task["id"]]
    page = browser(app, "agent")
    page.get(f"/instances/{inst['id']}")
    page.get(f"/tasks/{task['id']}")
    agent.post(
        f"/tasks/{task['id']}/complete",
        json={"data": {"record_confirmed": True, "acceptance_decision": "accepted", "promised_reply_hours": 24}},
        expect=200,
    )


# --- nesting depth (item 8) -------------------------------------------------------------------
def nested(depth: int) -> str:
    """A JSON value of ``depth`` nested containers (lists and objects alternating)."""
    text = "1"
    for level in range(depth):
        text = f"[{text}]" if level % 2 else f'{{"k": {text}}}'
    return text


@pytest.mark.parametrize(
    "path",
    [
        "/process-instances",
        "/auth/token",
        "/admin/clock",
        "/tasks/none/complete",
        "/process-instances/1/repeat-contact",
    ],
)
def test_100k_deep_json_is_refused_on_every_json_post(rt, login, path):
    body = ('{"variables": ' + "[" * 100_000 + "]" * 100_000 + "}").encode()
    status, answer = raw_post(login("admin"), path, body, "application/json")
    assert status == 422, answer
    assert answer["error"]["code"] == "too_deeply_nested"


def test_depth_limit_is_the_setting(rt, login, flow):
    limit = rt.settings.max_json_depth
    agent = login("agent")
    # the body is one level, variables a second: a value of limit-2 containers fits exactly
    ok = f'{{"process_key": "flow_input", "variables": {{"deep": {nested(limit - 2)}}}}}'
    status, body = raw_post(agent, "/process-instances", ok.encode(), "application/json")
    assert status == 201, body
    deep = f'{{"process_key": "flow_input", "variables": {{"deep": {nested(limit - 1)}}}}}'
    before = stored(rt)
    status, body = raw_post(agent, "/process-instances", deep.encode(), "application/json")
    assert status == 422 and body["error"]["code"] == "too_deeply_nested", body
    assert body["error"]["details"][0]["field"].startswith("variables.deep.k.0")
    assert stored(rt) == before

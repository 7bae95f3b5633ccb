"""Browser forms, uploads and diagrams: a NUL or a lone surrogate is refused (422 naming the
field) before anything is stored, and the pages keep answering."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.errors import Invalid
from app.models import TaskRecord
from app.web import form_input
from tests.diagrams import two_step
from tests.security.request_helpers import browser, stored
from tests.web.conftest import INTAKE_FORM


def test_start_form_with_a_nul_is_refused_naming_the_field(app, rt):
    agent = browser(app, "agent")
    before = stored(rt)
    r = agent.post("/start/complaint_handling", {**INTAKE_FORM, "description": "牛奶\x00有异味"}, expect=422)
    assert "description" in r.get_data(as_text=True)
    assert stored(rt) == before
    agent.get("/start/complaint_handling")


def test_a_nul_in_a_field_name_is_refused(app, rt):
    agent = browser(app, "agent")
    before = stored(rt)
    r = agent.post("/start/complaint_handling", {**INTAKE_FORM, "x\x00y": "1"}, expect=422)
    assert "x\\u0000y" in r.get_data(as_text=True)
    assert stored(rt) == before


def test_task_and_contact_forms_with_a_nul_leave_the_complaint_intact(app, rt):
    agent = browser(app, "agent")
    r = agent.post("/start/complaint_handling", INTAKE_FORM, expect=302)
    instance_id = int(r.headers["Location"].rsplit("/", 1)[1])
    with rt.sessions() as s:
        task_id = s.scalar(select(TaskRecord.id).where(TaskRecord.instance_id == instance_id))
    before = stored(rt)
    form = {"record_confirmed": "on", "acceptance_decision": "accepted", "promised_reply_hours": "24"}
    r = agent.post(f"/tasks/{task_id}", {**form, "acceptance_decision": "accepted\x00"}, expect=422)
    assert "acceptance_decision" in r.get_data(as_text=True)
    r = agent.post(f"/instances/{instance_id}/repeat-contact", {"channel": "phone", "note": "\x00"}, expect=422)
    assert "note" in r.get_data(as_text=True)
    assert stored(rt) == before
    agent.get(f"/instances/{instance_id}")
    agent.get(f"/tasks/{task_id}")
    agent.post(f"/tasks/{task_id}", form, expect=302)


def test_login_with_a_nul_is_a_clear_error(app):
    user = browser(app, "agent")
    r = user.post("/login", {"username": "agent\x00", "password": "agent"}, expect=422)
    assert "username" in r.get_data(as_text=True)


def test_percent_encoded_surrogates_in_a_form_never_arrive_as_text(app, rt):
    """Werkzeug leaves a percent-escape that is not UTF-8 (here an encoded surrogate) as it was."""
    agent = browser(app, "agent")
    body = "&".join(f"{k}={v}" for k, v in {**INTAKE_FORM, "csrf_token": agent.token}.items())
    r = agent.client.post(
        "/start/complaint_handling",
        data=body.replace("description=", "description=%ED%A0%80").encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    instance_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert "%ED%A0%80" in agent.text(f"/instances/{instance_id}")


@pytest.mark.parametrize("bad", ["\x00", "\ud800"])
def test_form_input_parse_refuses_unsafe_text_by_itself(bad):
    schema = {"type": "object", "properties": {"note": {"type": "string"}}}
    with pytest.raises(Invalid) as caught:
        form_input.parse(schema, MultiDict({"note": f"a{bad}b"}))
    assert caught.value.details[0]["field"] == "note"


# --- diagrams ---------------------------------------------------------------------------------
def test_upload_file_name_with_a_nul_is_refused(login, rt):
    analyst = login("analyst")
    before = stored(rt)
    upload = {"file": (io.BytesIO(two_step("named_upload")), "diagram\x00.bpmn")}
    r = analyst.client.post(
        "/api/v1/process-definitions", data=upload, headers=analyst.headers, content_type="multipart/form-data"
    )
    assert r.status_code == 422, r.get_data(as_text=True)
    assert r.get_json()["error"]["details"][0]["field"] == "file"
    assert "named_upload" not in {d["key"] for d in analyst.get("/process-definitions?all=1", expect=200)}
    assert stored(rt) == before


@pytest.mark.parametrize(
    "hostile",
    [b"\x00", b"&#0;", b"&#xD800;", b"\xed\xa0\x80"],
    ids=["nul_byte", "nul_reference", "surrogate_reference", "surrogate_bytes"],
)
def test_diagram_text_with_nul_or_surrogates_is_refused(login, hostile):
    xml = two_step("hostile_text").replace(b'name="First step"', b'name="First' + hostile + b'step"')
    analyst = login("analyst")
    answer = analyst.deploy(xml, expect=422)
    assert answer["error"]["code"] in ("malformed_xml", "invalid_bpmn")
    assert "hostile_text" not in {d["key"] for d in analyst.get("/process-definitions?all=1", expect=200)}

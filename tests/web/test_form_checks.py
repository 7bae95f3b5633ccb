"""Declared formats are enforced on the server (API and pages), and an answer required only under
a condition is reported on that field, with the condition in plain words, in both languages."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from app.errors import Invalid
from app.services.form_checks import FORMAT_CHECKER
from app.services.forms import validate_against
from tests.web.conftest import INTAKE_FORM

FORMS = Path(__file__).resolve().parents[2] / "forms"
INTAKE = {"channel": "phone", "complainant": {"name": "张三", "phone": "13800138000"}, "description": "牛奶有异味"}


def _formats(node: object) -> set[str]:
    if isinstance(node, dict):
        found = {node["format"]} if isinstance(node.get("format"), str) else set()
        return found.union(*(_formats(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_formats(v) for v in node))
    return set()


def test_every_format_the_forms_declare_is_checked():
    declared = set().union(*(_formats(json.loads(p.read_text(encoding="utf-8"))) for p in FORMS.glob("*.json")))
    assert declared and declared <= set(FORMAT_CHECKER.checkers), declared - set(FORMAT_CHECKER.checkers)


@pytest.mark.parametrize(
    ("fmt", "good", "bad"),
    [
        ("email", "li@example.com", "li@@example"),
        ("date", "2024-05-01", "2024-13-01"),
        ("date-time", "2024-05-01T10:00:00+08:00", "2024-05-01 10:00"),
        ("time", "10:00", "25:00"),
        ("time", "10:00:00+08:00", "10:00+8"),
        ("uri", "https://example.com/a?b=c", "not a uri"),
        ("uri", "mailto:li@example.com", "https://"),
        ("uri-reference", "/evidence/1.jpg", "a b"),
        ("hostname", "mail.example.com", "-bad-.example"),
        ("duration", "PT24H", "24 hours"),
    ],
)
def test_each_format_accepts_a_good_value_and_names_the_field_for_a_bad_one(fmt, good, bad):
    schema = {"type": "object", "properties": {"x": {"type": "string", "format": fmt}}}
    validate_against(schema, {"x": good})
    with pytest.raises(Invalid) as refused:
        validate_against(schema, {"x": bad})
    [detail] = refused.value.details
    assert (detail["field"], detail["code"], detail["format"]) == ("x", "format", fmt)
    assert detail["message"].startswith("not a") and "'" not in detail["message"]


def test_api_refuses_a_malformed_e_mail_on_the_field_in_plain_words(login):
    bad = {**INTAKE, "complainant": {**INTAKE["complainant"], "email": "li@@example"}}
    err = login("agent").post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": bad}, expect=422
    )
    assert err["error"]["details"] == [
        {"field": "complainant.email", "code": "format", "format": "email", "message": "not a valid e-mail address"}
    ]


def _field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="f-{re.escape(name.replace(".", "-"))}-error">([^<]*)</p>', page)
    assert found, f"no error shown on {name}"
    return html.unescape(found.group(1))


def test_the_start_page_shows_the_e_mail_error_on_its_field_in_both_languages(web_login):
    agent = web_login("agent")
    form = {**INTAKE_FORM, "complainant.email": "li@@example"}
    page = agent.post("/start/complaint_handling", form, expect=422).get_data(as_text=True)
    assert _field_error(page, "complainant.email") == "请输入有效的电子邮箱地址。"
    agent.get("/start/complaint_handling?lang=en")
    page = agent.post("/start/complaint_handling", form, expect=422).get_data(as_text=True)
    assert _field_error(page, "complainant.email") == "Enter a valid e-mail address."


def _confirm_task(login, agent) -> tuple[str, int]:
    inst = agent.post("/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201)
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    return task["id"], inst["id"]


def test_a_conditionally_required_answer_is_reported_on_its_field_with_the_condition(login, web_login):
    agent = login("agent")
    task_id, _ = _confirm_task(login, agent)
    data = {"record_confirmed": True, "acceptance_decision": "accepted"}
    err = agent.post(f"/tasks/{task_id}/complete", json={"data": data}, expect=422)
    [detail] = err["error"]["details"]
    assert detail == {
        "field": "promised_reply_hours",
        "code": "required_when",
        "when": {"field": "acceptance_decision", "values": ["accepted"], "negate": False},
        "message": "required when “Accept the complaint?” is “Accept”",
    }
    page_user = web_login("agent")
    form = {"record_confirmed": "true", "acceptance_decision": "accepted"}
    page = page_user.post(f"/tasks/{task_id}", form, expect=422).get_data(as_text=True)
    assert _field_error(page, "promised_reply_hours") == "当“是否受理”为“受理”时必填。"
    page_user.get(f"/tasks/{task_id}?lang=en")
    page = page_user.post(f"/tasks/{task_id}", form, expect=422).get_data(as_text=True)
    assert _field_error(page, "promised_reply_hours") == "Required when “Accept the complaint?” is “Accept”."
    # answered: accepted
    form["promised_reply_hours"] = "24"
    page_user.post(f"/tasks/{task_id}", form, expect=302)


def test_a_negated_condition_and_several_values_are_spelled_out():
    schema = json.loads((FORMS / "customer_agreement.json").read_text(encoding="utf-8"))
    with pytest.raises(Invalid) as refused:
        validate_against(schema, {"customer_response": "escalate", "customer_feedback": ""})
    [detail] = refused.value.details
    assert detail["field"] == "customer_feedback" and detail["when"]["values"] == ["re_investigate", "escalate"]
    assert detail["message"].startswith("required when “") and " or “" in detail["message"]
    schema = json.loads((FORMS / "escalation_review.json").read_text(encoding="utf-8"))
    with pytest.raises(Invalid) as refused:
        validate_against(
            schema,
            {"escalation_decision": "close", "review_note": "ok", "external_review_body": "consumer_association"},
        )
    [detail] = [d for d in refused.value.details if d["field"] == "external_review_note"]
    assert detail["when"]["negate"] is True and " is not “" in detail["message"]

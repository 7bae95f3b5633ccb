"""Contract: ``POST /api/v1/process-definitions/validate`` and deploy refusing exactly its errors."""

from __future__ import annotations

import io

import pytest

from tests.diagrams import HEAD, two_step, user_task, with_service

VALIDATE = "/process-definitions/validate"


def validate(api, xml: bytes, expect: int = 200):
    return api.post(VALIDATE, data=xml, headers={"Content-Type": "application/xml"}, expect=expect)


def timer_diagram(key: str, value: str) -> bytes:
    """start -> wait (user task, with a non-interrupting reminder timer) -> end."""
    return (
        f'{HEAD}<bpmn:process id="{key}" name="Timer" isExecutable="true">'
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>'
        + user_task("wait", "Wait", form_key="confirm_record")
        + '<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="end"/><bpmn:endEvent id="end"/>'
        '<bpmn:boundaryEvent id="reminder" name="Reminder" attachedToRef="wait" cancelActivity="false">'
        f"<bpmn:timerEventDefinition><bpmn:timeDuration>{value}</bpmn:timeDuration></bpmn:timerEventDefinition>"
        '</bpmn:boundaryEvent><bpmn:sequenceFlow id="f3" sourceRef="reminder" targetRef="reminded"/>'
        '<bpmn:endEvent id="reminded"/></bpmn:process></bpmn:definitions>'
    ).encode()


def found(items, rule):
    return [(i["element_id"], i["rule"]) for i in items if i["rule"] == rule]


def test_a_diagram_that_runs_is_valid_with_its_warnings(login, shared_dir):
    from app.config import ROOT

    body = validate(login("analyst"), (ROOT / "processes" / "complaint_handling.bpmn").read_bytes())
    assert body["valid"] is True and body["errors"] == []
    assert ("Gateway_Accepted", "no-default-flow") in found(body["warnings"], "no-default-flow")
    # negated pairs (satisfied / not satisfied) provably cover every case: no warning
    assert ("Gateway_Satisfied", "no-default-flow") not in found(body["warnings"], "no-default-flow")
    assert all(set(w) == {"element_id", "rule", "message"} for w in body["warnings"])


def test_a_timer_typo_is_an_error_at_the_event_and_deploy_refuses_exactly_it(login):
    analyst = login("analyst")
    xml = timer_diagram("typo_timer", "PT24")
    body = validate(analyst, xml)
    assert body["valid"] is False
    assert [(e["element_id"], e["rule"]) for e in body["errors"]] == [("reminder", "timer")]
    assert "'PT24' is not a valid ISO 8601" in body["errors"][0]["message"]
    refused = analyst.deploy(xml, expect=422)["error"]
    assert refused["code"] == "invalid_bpmn" and refused["details"] == body["errors"]
    fixed = timer_diagram("typo_timer", "PT24H")
    assert validate(analyst, fixed)["valid"] is True
    analyst.deploy(fixed, expect=201)


def test_handler_parameters_are_checked_against_the_declaration(login):
    analyst = login("analyst")
    missing = validate(analyst, with_service("svc_missing", "severity_from_criteria", {}))
    assert [(e["element_id"], e["rule"]) for e in missing["errors"]] == [("svc", "service-task-parameters")]
    assert "needs parameter 'reasons'" in missing["errors"][0]["message"]
    typo = with_service("svc_typo", "severity_from_criteria", {"reasons": "[]", "claim_amuont": "1"})
    body = validate(analyst, typo)
    assert [e["message"] for e in body["errors"]] == [
        "'Call' (svc): severity_from_criteria takes no parameter 'claim_amuont' "
        "(it takes: claim_amount, medical_proof, reasons)"
    ]
    assert analyst.deploy(typo, expect=422)["error"]["details"] == body["errors"]
    notify = with_service("svc_notify", "notify", {"groups": "['cs_agents']", "kind": "'info'"})
    assert validate(analyst, notify)["errors"] == []


def test_warnings_never_block_a_deploy(login):
    analyst = login("analyst")
    xml = two_step("warned", lane="nobody_is_here")
    body = validate(analyst, xml)
    assert body["valid"] is True
    assert ("lane_a", "lane-group") in found(body["warnings"], "lane-group")
    assert ("first", "form-missing") in found(body["warnings"], "form-missing")
    assert ("second", "user-task-form") in found(body["warnings"], "user-task-form")
    analyst.deploy(xml, expect=201)


def test_staffed_lanes_give_no_group_warning(login):
    body = validate(login("analyst"), two_step("staffed"))
    assert found(body["warnings"], "lane-group") == []


def test_graph_errors_name_the_element_and_block_the_deploy(login):
    xml = (
        f'{HEAD}<bpmn:process id="dup" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="t"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="start" targetRef="t"/>'
        + user_task("t", "Twice", form_key="confirm_record")
        + '<bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()
    analyst = login("analyst")
    body = validate(analyst, xml)
    assert [(e["element_id"], e["rule"]) for e in body["errors"]] == [
        ("f2", "no-duplicate-sequence-flows"),
        ("start", "no-duplicate-sequence-flows"),
        ("t", "no-duplicate-sequence-flows"),
    ]
    assert ("t", "fake-join") in found(body["warnings"], "fake-join")
    assert analyst.deploy(xml, expect=422)["error"]["details"] == body["errors"]


def test_a_business_rule_task_must_call_a_decision_of_the_bundle(login):
    xml = (
        f'{HEAD}<bpmn:process id="rules" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>'
        '<bpmn:businessRuleTask id="decide" name="Decide"><bpmn:extensionElements>'
        "<spiffworkflow:calledDecisionId>no_such_table</spiffworkflow:calledDecisionId>"
        "</bpmn:extensionElements></bpmn:businessRuleTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()
    body = validate(login("analyst"), xml)
    assert ("decide", "decision-missing") in found(body["errors"], "decision-missing")
    assert "'no_such_table'" in next(e["message"] for e in body["errors"] if e["rule"] == "decision-missing")


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<bpmn:definitions", "not well-formed XML"),
        (
            b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>',
            "DOCTYPE",
        ),
        (b'<lol xmlns="urn:x">' + b"<a>ha</a>" * 1000 + b"</lol>", "not a BPMN 2.0"),
        (b"<a>" * 300 + b"</a>" * 300, "Excessive depth"),
        (b'{"process": "not xml"}', "not well-formed XML"),
        (b"", "the diagram is empty"),
    ],
)
def test_a_body_that_is_not_a_diagram_is_a_document_level_xml_error(login, body, words):
    answer = validate(login("analyst"), body)
    assert answer["valid"] is False and answer["warnings"] == []
    [error] = answer["errors"]
    assert error["element_id"] is None and error["rule"] == "xml" and words in error["message"]
    refused = login("analyst").deploy(body, expect=422)["error"]
    assert refused["details"] == answer["errors"]


def test_a_diagram_over_the_size_limit_is_413(login, rt):
    huge = b" " * (rt.settings.max_bpmn_bytes + 1)
    body = validate(login("analyst"), huge, expect=413)
    assert body["error"]["code"] == "diagram_too_large"


def test_multipart_takes_the_file_part_and_needs_one(login):
    analyst = login("analyst")
    upload = {"file": (io.BytesIO(timer_diagram("mp", "P1X")), "mp.bpmn")}
    body = analyst.post(VALIDATE, data=upload, content_type="multipart/form-data", expect=200)
    assert [(e["element_id"], e["rule"]) for e in body["errors"]] == [("reminder", "timer")]
    refused = analyst.post(VALIDATE, data={"note": "x"}, content_type="multipart/form-data", expect=400)
    assert refused["error"]["code"] == "missing_file"


def test_only_analysts_and_admins_validate(login):
    xml = two_step("roles")
    assert validate(login("admin"), xml)["valid"] is True
    assert validate(login("agent"), xml, expect=403)["error"]["code"] == "role_required"
    assert validate(login(None), xml, expect=401)["error"]["code"] == "not_authenticated"


def test_the_openapi_document_describes_validate_handlers_and_groups(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    validate_op = paths["/process-definitions/validate"]["post"]
    assert set(validate_op["responses"]) >= {"200", "400", "401", "403", "413"}
    answer = validate_op["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["required"] == ["valid", "errors", "warnings"]
    assert answer["properties"]["errors"]["items"]["required"] == ["element_id", "rule", "message"]
    assert "application/xml" in validate_op["requestBody"]["content"]
    handler = paths["/handlers"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    assert handler["required"] == ["name", "description", "parameters", "result"]
    group = paths["/groups"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["items"]
    assert group["required"] == ["name", "label", "members"]


def test_a_bundle_is_validated_with_its_own_forms_and_decisions(rt):
    from app.services import validation
    from app.services.bundles import Bundle, BundleFile

    task = (
        '<bpmn:businessRuleTask id="decide" name="Decide"><bpmn:extensionElements>'
        "<spiffworkflow:calledDecisionId>authority</spiffworkflow:calledDecisionId>"
        "</bpmn:extensionElements></bpmn:businessRuleTask>"
    )
    ruled = (
        f'{HEAD}<bpmn:process id="ruled" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="decide"/>'
        f'{task}<bpmn:sequenceFlow id="f2" sourceRef="decide" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()
    dmn = (
        b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="x">'
        b'<decision id="authority" name="Authority"/></definitions>'
    )
    bundle = Bundle(
        diagrams=(BundleFile("a.bpmn", two_step("bundled")), BundleFile("b.bpmn", ruled)),
        decisions=(BundleFile("authority.dmn", dmn), BundleFile("broken.dmn", b"<not-dmn/>")),
        forms=(BundleFile("forms/test_first.json", b"{}"),),
    )
    with rt.sessions() as s:
        result = validation.validate(rt, s, bundle)
    by_file = {(f["file"], f["element_id"], f["rule"]) for f in (*result.errors, *result.warnings)}
    assert ("a.bpmn", "first", "form-missing") not in by_file  # the bundle brings the form
    assert ("b.bpmn", "decide", "decision-missing") not in by_file  # and the decision table
    assert ("broken.dmn", None, "xml") in by_file and result.valid is False

"""A bundle's forms that none of its diagrams uses: a ``form-unused`` warning naming the file in
validate's answer; the deploy goes on (and stores no copy of them)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from app.config import ROOT
from app.services import validation
from app.services.publishing import folder_bundle
from tests.bundles import deploy_bundle, diagram, review_form

VALIDATE = "/api/v1/process-definitions/validate"


def camunda_diagram(key: str, form_key: str) -> bytes:
    """start -> Check (``camunda:formKey``) -> end."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs" targetNamespace="test">'
        f'<bpmn:process id="{key}" name="Camunda form" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>'
        f'<bpmn:userTask id="check" name="Check" camunda:formKey="{form_key}" camunda:candidateGroups="cs_agents"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def validate_bundle(api: Any, files: list[tuple[str, bytes]], expect: int = 200) -> Any:
    data = {"file": [(BytesIO(content), name) for name, content in files]}
    r = api.client.post(VALIDATE, headers=api.headers, data=data, content_type="multipart/form-data")
    assert r.status_code == expect, r.get_data(as_text=True)[:1500]
    return r.get_json()


def unused(answer: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(w["file"], w["element_id"]) for w in answer["warnings"] if w["rule"] == "form-unused"]


def test_validate_warns_of_each_form_no_diagram_uses_and_deploy_goes_on_without_it(login):
    analyst = login("analyst")
    files = [
        ("fu_one.bpmn", diagram("fu_one")),
        ("forms/fu_one_review.json", review_form()),
        ("forms/fu_orphan.json", review_form()),
        ("fu_stray.json", review_form()),
    ]
    answer = validate_bundle(analyst, files)
    assert answer["valid"] is True
    assert unused(answer) == [("forms/fu_orphan.json", None), ("forms/fu_stray.json", None)]
    assert all("forms/fu_" in w["message"] for w in answer["warnings"] if w["rule"] == "form-unused")
    deployed = deploy_bundle(analyst, files)
    assert [(d["key"], d["version"], d["created"]) for d in deployed] == [("fu_one", 1, True)]
    names = [f["name"] for f in analyst.get("/process-definitions/fu_one/versions/1/files", expect=200)]
    assert names == ["forms/fu_one_review.json"]


def test_forms_used_by_any_diagram_of_the_bundle_or_as_a_start_form_are_not_warned(login):
    analyst = login("analyst")
    files = [
        ("fu_spiff.bpmn", diagram("fu_spiff")),  # spiffworkflow formKey property
        ("fu_camunda.bpmn", camunda_diagram("fu_camunda", "fu_camunda_check")),  # camunda:formKey
        ("forms/fu_camunda_check.json", review_form()),
        ("forms/fu_spiff_review.json", review_form()),
        ("forms/fu_spiff.start.json", review_form()),  # the start form of process fu_spiff
    ]
    answer = validate_bundle(analyst, files)
    assert answer["valid"] is True and unused(answer) == []
    # the same forms with only one of the diagrams: the other's form is unused
    answer = validate_bundle(analyst, [f for f in files if f[0] != "fu_camunda.bpmn"])
    assert unused(answer) == [("forms/fu_camunda_check.json", None)]


def test_a_bundle_with_an_unreadable_diagram_reports_the_xml_error_and_no_unused_form(login):
    analyst = login("analyst")
    files = [("fu_bad.bpmn", b"<not-bpmn/>"), ("fu_ok.bpmn", diagram("fu_ok")), ("forms/fu_x.json", review_form())]
    answer = validate_bundle(analyst, files)
    assert [(e["file"], e["rule"]) for e in answer["errors"]] == [("fu_bad.bpmn", "xml")]
    assert unused(answer) == []  # the unreadable diagram might use it


def test_validate_refuses_a_bad_file_of_a_bundle_as_deploy_does(login):
    analyst = login("analyst")
    files = [("fu_two.bpmn", diagram("fu_two")), ("forms/fu_two_review.json", b"not json")]
    body = validate_bundle(analyst, files, expect=422)
    assert body["error"]["code"] == "invalid_bundle"
    assert [d["file"] for d in body["error"]["details"]] == ["forms/fu_two_review.json"]


def test_the_seed_bundle_uses_every_one_of_its_forms(rt):
    bundle = folder_bundle(ROOT / "processes", ROOT / "forms")
    assert len(bundle.forms) > 5
    with rt.sessions() as s:
        answer = validation.validate(rt, s, bundle)
    assert answer.valid and [w for w in answer.warnings if w["rule"] == "form-unused"] == []


def test_the_openapi_document_names_the_file_of_a_finding(client):
    finding = client.get("/api/v1/openapi.json").get_json()["paths"]["/process-definitions/validate"]["post"]
    schema = finding["responses"]["200"]["content"]["application/json"]["schema"]
    assert "form-unused" in schema["properties"]["warnings"]["items"]["properties"]["file"]["description"]

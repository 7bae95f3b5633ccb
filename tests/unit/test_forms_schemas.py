"""Form schemas in forms/: valid, bilingual, and consistent with the diagram and handlers."""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from lxml import etree

from app.services.complaints import CHANNELS

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
DIAGRAM = ROOT / "processes" / "complaint_handling.bpmn"
DIAGRAMS = sorted((ROOT / "processes").glob("*.bpmn"))
NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
FORM_FILES = sorted(FORMS.glob("*.json"))
START = "complaint_handling.start"
STARTS = {f"{p.stem}.start" for p in DIAGRAMS}

VALID_INTAKE = {
    "channel": "phone",
    "complainant": {
        "name": "张三",
        "phone": "13800138000",
        "address": "北京市朝阳区建国路1号",
        "email": "zhang@example.com",
    },
    "description": "买的牛奶有异味,孩子喝了以后肚子疼。",
    "product": {
        "name": "纯牛奶 250ml",
        "batch_number": "20260101A",
        "quantity": 2,
        "purchase_place": "朝阳区某超市",
        "purchase_date": "2026-01-01",
    },
    "customer_request": "compensation",
    "claim_amount": 300,
    "subject": "product_quality",
    "received_at": "2026-01-02T09:30:00+08:00",
}


def load(key: str) -> dict:
    return json.loads((FORMS / f"{key}.json").read_text(encoding="utf-8"))


def errors(key: str, data: dict) -> list[str]:
    validator = Draft202012Validator(load(key), format_checker=FormatChecker())
    return [error.message for error in validator.iter_errors(data)]


def user_task_properties(diagram: Path = DIAGRAM) -> dict[str, dict[str, str]]:
    tasks = {}
    for task in etree.parse(str(diagram)).iterfind(".//bpmn:userTask", NS):
        props = task.iterfind(".//spiffworkflow:property", NS)
        tasks[task.get("id")] = {p.get("name"): p.get("value") for p in props}
    return tasks


DIAGRAMS = sorted((ROOT / "processes").glob("*.bpmn"))


def fields(schema: dict, path: str = ""):
    """Every property of a form, nested objects and array items included."""
    for name, prop in schema.get("properties", {}).items():
        yield f"{path}{name}", prop
        yield from fields(prop, f"{path}{name}.")
        if isinstance(prop.get("items"), dict):
            yield from fields(prop["items"], f"{path}{name}[].")


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_form_is_a_valid_closed_schema_with_titles(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert schema["title"]
    assert schema["x-title-zh"]
    assert set(schema["required"]) <= set(schema["properties"])


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_every_field_has_english_and_chinese_titles(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    for name, prop in fields(schema):
        assert prop.get("title"), f"{name} has no title"
        assert prop.get("x-title-zh"), f"{name} has no x-title-zh"
        if prop.get("type") == "object":
            assert prop.get("additionalProperties") is False, f"{name} is open"


@pytest.mark.parametrize("path", FORM_FILES, ids=lambda p: p.stem)
def test_every_choice_has_bilingual_titles(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    for name, prop in fields(schema):
        if "enum" in prop:
            titles = prop.get("x-enum-titles", {})
            assert set(titles) == set(prop["enum"]), name
            for value, title in titles.items():
                assert title.get("en"), f"{name}={value}"
                assert title.get("zh"), f"{name}={value}"


@pytest.mark.parametrize("diagram", DIAGRAMS, ids=lambda p: p.stem)
def test_every_user_task_has_a_form(diagram):
    tasks = user_task_properties(diagram)
    assert tasks
    for task_id, props in tasks.items():
        assert props.get("formKey"), f"{task_id} has no formKey"
        assert (FORMS / f"{props['formKey']}.json").is_file(), task_id


def test_every_task_form_is_used_by_a_diagram():
    """Every form of forms/ is a user task's form or the start form of a diagram of processes/,
    and every diagram has its start form."""
    used = {props["formKey"] for diagram in DIAGRAMS for props in user_task_properties(diagram).values()}
    assert {p.stem for p in FORM_FILES} - used == STARTS


def decision_table(name):
    tree = etree.parse(str(ROOT / "processes" / f"{name}.dmn"))
    return tree, {"dmn": tree.getroot().nsmap[None]}


def test_subject_and_channel_choices_match_the_rules():
    tree, dmn = decision_table("subject_department")
    routed = [json.loads(t.text) for t in tree.iterfind(".//dmn:rule/dmn:inputEntry/dmn:text", dmn)]
    for key in (START, "classify_complaint", "investigate"):
        assert load(key)["properties"]["subject"]["enum"] == routed, key
    assert load(START)["properties"]["channel"]["enum"] == list(CHANNELS)


def test_severity_inputs_are_intake_fields():
    intake = load(START)["properties"]
    tree, dmn = decision_table("severity_criteria")
    inputs = {t.text for t in tree.iterfind(".//dmn:input/dmn:inputExpression/dmn:text", dmn)}
    assert len(inputs) == 14 and inputs <= set(intake)
    params = etree.parse(str(DIAGRAM)).iterfind(
        ".//spiffworkflow:serviceTaskOperator[@id='severity_from_criteria']//spiffworkflow:parameter",
        NS,
    )
    assert {p.get("value") for p in params} - {"severity_reasons"} <= set(intake)


# --- the intake record (contract) ------------------------------------------------


def test_intake_accepts_the_contract_example():
    assert errors(START, VALID_INTAKE) == []


def test_intake_needs_only_channel_complainant_and_description():
    minimal = {
        "channel": "walk_in",
        "complainant": {"name": "李四", "phone": "010-62345678"},
        "description": "服务态度差",
    }
    assert errors(START, minimal) == []
    assert len(errors(START, {})) == 3


@pytest.mark.parametrize(
    "change",
    [
        {"unknown": 1},
        {"complainant": {**VALID_INTAKE["complainant"], "age": 30}},
        {"product": {**VALID_INTAKE["product"], "colour": "white"}},
    ],
    ids=["top_level", "complainant", "product"],
)
def test_intake_refuses_unknown_fields(change):
    assert errors(START, {**VALID_INTAKE, **change})


@pytest.mark.parametrize(
    "change",
    [
        {"channel": "fax"},
        {"claim_amount": -1},
        {"subject": "weather"},
        {"customer_request": "money"},
        {"received_at": "yesterday"},
        {"product": {"name": "牛奶", "purchase_date": "2026-13-01"}},
        {"product": {"name": "牛奶", "quantity": 0}},
        {"complainant": {"name": "张三", "phone": "12345"}},
        {"complainant": {"name": "", "phone": "13800138000"}},
        {"forwarded_by": "state_body"},
    ],
)
def test_intake_refuses_invalid_values(change):
    assert errors(START, {**VALID_INTAKE, **change})


@pytest.mark.parametrize("phone", ["13800138000", "19912345678", "010-62345678", "075512345678"])
def test_mainland_mobile_and_landline_numbers_are_accepted(phone):
    record = {**VALID_INTAKE, "complainant": {"name": "张三", "phone": phone}}
    assert errors(START, record) == []


def test_forwarded_by_goes_with_the_third_party_channel():
    record = {**VALID_INTAKE, "channel": "third_party", "forwarded_by": "state_body"}
    assert errors(START, record) == []


# --- conditional rules in task forms ---------------------------------------------


def test_accepting_needs_the_waiting_time_told_to_the_customer():
    accepted = {"record_confirmed": True, "acceptance_decision": "accepted"}
    assert errors("confirm_record", accepted)
    assert errors("confirm_record", {**accepted, "promised_reply_hours": 24}) == []
    rejected = {"record_confirmed": True, "acceptance_decision": "rejected"}
    assert errors("confirm_record", rejected) == []


def test_product_quality_investigation_needs_evidence_photos():
    finding = {
        "subject": "product_quality",
        "root_cause": "封口不严",
        "responsibility": "company",
        "lab_judgement_needed": False,
    }
    assert errors("investigate", finding)
    assert errors("investigate", {**finding, "evidence_photos": []})
    assert errors("investigate", {**finding, "evidence_photos": ["17"]}) == []  # attachment ids
    assert errors("investigate", {**finding, "subject": "logistics"}) == []


@pytest.mark.parametrize(
    ("solution_type", "amount", "ok"),
    [("apology", 0, True), ("refund", 0, False), ("compensation", 0.01, True)],
)
def test_refund_and_compensation_need_an_amount(solution_type, amount, ok):
    proposal = {
        "solution_type": solution_type,
        "solution_description": "按规定处理",
        "compensation_amount": amount,
    }
    assert (errors("propose_solution", proposal) == []) is ok


def test_amounts_are_never_negative():
    proposal = {"solution_type": "apology", "solution_description": "x"}
    assert errors("propose_solution", {**proposal, "compensation_amount": -0.01})


def test_dates_that_must_not_be_in_the_future_say_so():
    for key, field in [
        ("implement_solution", "implemented_on"),
        ("follow_up_visit", "visited_on"),
    ]:
        prop = load(key)["properties"][field]
        assert prop["format"] == "date"
        assert prop["x-not-future"] is True
    assert load(START)["properties"]["product"]["properties"]["purchase_date"]["x-not-future"]


def test_not_satisfied_needs_the_customers_comments():
    visit = {"visited_on": "2026-01-05", "satisfaction": 2, "satisfied": False}
    assert errors("follow_up_visit", visit)
    assert errors("follow_up_visit", {**visit, "follow_up_note": "还是有异味"}) == []
    assert errors("follow_up_visit", {**visit, "satisfaction": 6, "follow_up_note": "x"})

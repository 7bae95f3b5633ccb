"""Deployment bundles (contract "Analyst workbench"): a multipart deploy of diagrams, decision tables
and forms with a note; each version owns its forms and decision tables; hostile bundles are refused
whole, naming the file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from app.engine import form_keys, parse_untrusted
from app.services.bundles import MAX_FILES, MAX_FORM_BYTES
from tests.bundles import DMN, deploy_bundle, diagram, review_form, stored
from tests.diagrams import two_step

ROOT = Path(__file__).resolve().parents[2]


# --- deploying a bundle ----------------------------------------------------------------------
def test_a_bundle_with_a_form_and_a_decision_table_makes_a_version_that_owns_them(login):
    analyst = login("analyst")
    form = review_form()
    answer = deploy_bundle(
        analyst,
        [("b_owns.bpmn", diagram("b_owns")), ("forms/b_owns_review.json", form), ("approval_authority.dmn", DMN)],
        note="first rules",
    )
    assert [(d["key"], d["version"], d["created"], d["note"]) for d in answer] == [("b_owns", 1, True, "first rules")]
    files = analyst.get("/process-definitions/b_owns/versions/1/files", expect=200)
    assert files == [
        {"name": "approval_authority.dmn", "kind": "dmn", "sha256": hashlib.sha256(DMN).hexdigest(), "size": len(DMN)},
        {
            "name": "forms/b_owns_review.json",
            "kind": "form",
            "sha256": hashlib.sha256(form).hexdigest(),
            "size": len(form),
        },
    ]
    r = analyst.client.get(
        "/api/v1/process-definitions/b_owns/versions/1/files/forms/b_owns_review.json", headers=analyst.headers
    )
    assert r.status_code == 200 and r.mimetype == "application/json" and r.data == form
    # uploaded content: a download no browser runs
    assert r.headers["Content-Disposition"] == "attachment; filename=b_owns_review.json"
    assert "sandbox" in r.headers["Content-Security-Policy"] and r.headers["X-Content-Type-Options"] == "nosniff"
    r = analyst.client.get(
        "/api/v1/process-definitions/b_owns/versions/1/files/approval_authority.dmn", headers=analyst.headers
    )
    assert r.status_code == 200 and r.mimetype == "application/xml" and r.data == DMN
    listed = [d for d in analyst.get("/process-definitions?all=1", expect=200) if d["key"] == "b_owns"]
    assert [(d["version"], d["note"], d["deployed_by"]) for d in listed] == [(1, "first rules", "analyst")]


def test_a_plain_key_json_file_is_a_form_and_the_raw_body_takes_its_note_from_the_query(login):
    analyst = login("analyst")
    deploy_bundle(analyst, [("b_plain.bpmn", diagram("b_plain")), ("b_plain_review.json", review_form())])
    names = [f["name"] for f in analyst.get("/process-definitions/b_plain/versions/1/files", expect=200)]
    assert names == ["forms/b_plain_review.json"]
    answer = analyst.post(
        "/process-definitions?note=renamed%20the%20task",
        data=diagram("b_plain", name="Renamed"),
        headers={"Content-Type": "application/xml"},
        expect=201,
    )
    assert [(d["version"], d["note"]) for d in answer] == [(2, "renamed the task")]


def test_an_unchanged_bundle_is_the_same_version_and_a_form_only_change_is_a_new_one(login):
    analyst = login("analyst")
    files = [("b_same.bpmn", diagram("b_same")), ("forms/b_same_review.json", review_form())]
    deploy_bundle(analyst, files)
    again = deploy_bundle(analyst, files, expect=200)
    assert [(d["version"], d["created"]) for d in again] == [(1, False)]
    changed = deploy_bundle(
        analyst,
        [("b_same.bpmn", diagram("b_same")), ("forms/b_same_review.json", review_form("Verdict"))],
        note="label",
    )
    assert [(d["version"], d["created"]) for d in changed] == [(2, True)]
    new_form = analyst.client.get(
        "/api/v1/process-definitions/b_same/versions/2/files/forms/b_same_review.json", headers=analyst.headers
    )
    assert json.loads(new_form.data)["properties"]["decision"]["title"] == "Verdict"
    old_form = analyst.client.get(
        "/api/v1/process-definitions/b_same/versions/1/files/forms/b_same_review.json", headers=analyst.headers
    )
    assert json.loads(old_form.data)["properties"]["decision"]["title"] == "Decision"
    # a decision table is part of the version too
    with_rules = deploy_bundle(analyst, [*files[:1], ("rules.dmn", DMN)])
    assert [(d["version"], d["created"]) for d in with_rules] == [(3, True)]


def test_a_form_the_bundle_lacks_is_carried_from_the_previous_version(login):
    analyst = login("analyst")
    form = review_form("Carried")
    deploy_bundle(analyst, [("b_carry.bpmn", diagram("b_carry")), ("forms/b_carry_review.json", form)])
    analyst.deploy(diagram("b_carry", name="Only the diagram changed"))
    files = analyst.get("/process-definitions/b_carry/versions/2/files", expect=200)
    assert [(f["name"], f["sha256"]) for f in files] == [
        ("forms/b_carry_review.json", hashlib.sha256(form).hexdigest())
    ]
    # the same diagram again, raw: forms carried, nothing changed, the same version
    answer = analyst.deploy(diagram("b_carry", name="Only the diagram changed"), expect=200)
    assert [(d["version"], d["created"]) for d in answer] == [(2, False)]


def test_setup_seeds_version_1_of_complaint_handling_with_its_forms_and_decision_tables(login, rt):
    analyst = login("analyst")
    raw = (ROOT / "processes" / "complaint_handling.bpmn").read_bytes()
    used = form_keys(parse_untrusted(raw, rt.settings.max_bpmn_bytes)) | {"complaint_handling.start"}
    expected = {f"forms/{p.stem}.json": p.read_bytes() for p in (ROOT / "forms").glob("*.json") if p.stem in used}
    expected |= {p.name: p.read_bytes() for p in (ROOT / "processes").glob("*.dmn")}
    assert "forms/confirm_record.json" in expected and "forms/complaint_handling.start.json" in expected
    files = analyst.get("/process-definitions/complaint_handling/versions/1/files", expect=200)
    assert {f["name"]: f["sha256"] for f in files} == {n: hashlib.sha256(c).hexdigest() for n, c in expected.items()}


def test_an_xml_only_redeploy_of_complaint_handling_keeps_its_forms(login, rt):
    analyst = login("analyst")
    raw = (ROOT / "processes" / "complaint_handling.bpmn").read_bytes()
    changed = raw.replace(b' Confirm record"', b' Confirm the record"', 1)
    assert changed != raw
    [deployed] = analyst.deploy(changed)
    version = deployed["version"]
    assert version >= 2
    v1 = analyst.get("/process-definitions/complaint_handling/versions/1/files", expect=200)
    new = analyst.get(f"/process-definitions/complaint_handling/versions/{version}/files", expect=200)
    assert new == v1
    agent = login("agent")
    started = agent.post(
        "/process-instances",
        json={
            "process_key": "complaint_handling",
            "variables": {
                "channel": "phone",
                "complainant": {"name": "张三", "phone": "13800138000"},
                "description": "牛奶有异味",
            },
        },
        expect=201,
    )
    assert started["version"] == version
    [task] = agent.get(f"/tasks?instance_id={started['id']}", expect=200)
    assert task["name"] == "确认登记 Confirm the record"
    form = agent.get(f"/tasks/{task['id']}", expect=200)["form"]
    confirm = json.loads((ROOT / "forms" / "confirm_record.json").read_text(encoding="utf-8"))
    assert form == {"key": "confirm_record", "schema": confirm}


# --- hostile bundles: refused whole, naming the file -----------------------------------------
XXE = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d">&x;</definitions>'
)
BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d">&b;</definitions>'
)
HOSTILE = {
    "unknown_type": ("notes.txt", b"hello"),
    "traversal": ("../evil.bpmn", two_step("b_evil")),
    "traversal_in_forms": ("forms/../b_hostile_review.json", review_form()),
    "folder_in_forms": ("forms/a/b_hostile_review.json", review_form()),
    "absolute": ("/etc/b_hostile.dmn", DMN),
    "drive_letter": ("C:b_hostile.bpmn", two_step("b_drive")),
    "dots_in_key": ("forms/b..hostile.json", review_form()),
    "weird_key": ("forms/b hostile;rm.json", review_form()),
    "empty_key": ("forms/.json", review_form()),
    "oversize_form": (
        "forms/b_big.json",
        json.dumps({"type": "object", "description": "x" * MAX_FORM_BYTES}).encode(),
    ),
    "empty_file": ("forms/b_empty.json", b""),
    "not_utf8": ("forms/b_latin.json", '{"type": "object", "title": "caf\xe9"}'.encode("latin-1")),
    "form_not_json": ("forms/b_hostile_review.json", b"{not json"),
    "form_nan": ("forms/b_hostile_review.json", b'{"type": "object", "maximum": NaN}'),
    "form_not_a_schema": (
        "forms/b_hostile_review.json",
        b'{"type": "object", "properties": {"x": {"type": "no-such-type"}}}',
    ),
    "form_not_an_object": ("forms/b_hostile_review.json", b'{"type": "string"}'),
    "form_remote_ref": (
        "forms/b_hostile_review.json",
        b'{"type": "object", "properties": {"x": {"$ref": "https://evil.example/schema.json"}}}',
    ),
    "form_too_deep": ("forms/b_hostile_review.json", b"[" * 100_000 + b"]" * 100_000),
    "dmn_xxe": ("rules.dmn", XXE),
    "dmn_bomb": ("rules.dmn", BOMB),
    "dmn_not_xml": ("rules.dmn", b"<definitions"),
    "dmn_not_dmn": ("rules.dmn", two_step("b_as_dmn")),
    "diagram_xxe": ("b_xxe.bpmn", XXE.replace(b"https://www.omg.org/spec/DMN/20191111/MODEL/", b"x")),
    "diagram_not_runnable": ("b_broken.bpmn", two_step("b_broken", script="import os")),
}


@pytest.mark.parametrize("name,content", list(HOSTILE.values()), ids=list(HOSTILE))
def test_a_bad_file_refuses_the_whole_bundle_naming_it(login, rt, name, content):
    analyst = login("analyst")
    before = stored(rt)
    err = deploy_bundle(
        analyst,
        [("b_hostile.bpmn", diagram("b_hostile")), ("forms/b_hostile_ok.json", review_form()), (name, content)],
        note="should not stay",
        expect=422,
    )["error"]
    assert name in err["message"]
    assert [d["file"] for d in err["details"]] and {d["file"] for d in err["details"]} == {name}
    assert all(d["field"] == "file" and d["message"] for d in err["details"])
    assert stored(rt) == before
    analyst.get("/process-definitions/b_hostile/versions/1/files", expect=404)


def test_a_duplicate_name_is_refused_also_between_forms_and_plain_json(login, rt):
    analyst = login("analyst")
    before = stored(rt)
    err = deploy_bundle(
        analyst,
        [
            ("b_dup.bpmn", diagram("b_dup")),
            ("forms/b_dup_review.json", review_form()),
            ("b_dup_review.json", review_form("Other")),
        ],
        expect=422,
    )["error"]
    assert err["details"] == [
        {"field": "file", "file": "b_dup_review.json", "message": "the bundle has two files of this name"}
    ]
    err = deploy_bundle(analyst, [("a.bpmn", diagram("b_dup")), ("b.bpmn", diagram("b_dup"))], expect=422)["error"]
    assert [d["file"] for d in err["details"]] == ["b.bpmn"] and "also defined in a.bpmn" in err["message"]
    assert stored(rt) == before


def test_too_many_files_or_no_diagram_or_a_long_note_is_refused(login, rt):
    analyst = login("analyst")
    before = stored(rt)
    many = [("b_many.bpmn", diagram("b_many"))] + [(f"forms/f{i}.json", review_form()) for i in range(MAX_FILES)]
    err = deploy_bundle(analyst, many, expect=422)["error"]
    assert err["details"] == [{"field": "file", "message": f"{MAX_FILES + 1} files; a bundle has at most {MAX_FILES}"}]
    err = deploy_bundle(analyst, [("forms/b_alone.json", review_form())], expect=422)["error"]
    assert err["details"] == [{"field": "file", "message": "a bundle needs at least one .bpmn diagram"}]
    err = deploy_bundle(analyst, [("b_note.bpmn", diagram("b_note"))], note="x" * 2001, expect=422)["error"]
    assert err["details"][0]["field"] == "note"
    assert stored(rt) == before


def test_unknown_versions_and_files_are_404(login):
    analyst = login("analyst")
    analyst.get("/process-definitions/complaint_handling/versions/999/files", expect=404)
    analyst.get("/process-definitions/no_such_process/versions/1/files", expect=404)
    err = analyst.get("/process-definitions/complaint_handling/versions/1/files/forms/nope.json", expect=404)
    assert err["error"]["code"] == "unknown_definition_file"
    analyst.get("/process-definitions/complaint_handling/versions/1/files/../../xml", expect=404)


def test_bundles_and_version_files_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    deploy = doc["paths"]["/process-definitions"]["post"]
    multipart = deploy["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(multipart["properties"]) == {"file", "note"}
    assert set(deploy["responses"]) >= {"200", "201", "401", "403", "413", "422"}
    listing = doc["paths"]["/process-definitions/{key}/versions/{version}/files"]["get"]
    assert set(listing["responses"]) >= {"200", "401", "403", "404"}
    one = doc["paths"]["/process-definitions/{key}/versions/{version}/files/{name}"]["get"]
    assert set(one["responses"]["200"]["content"]) == {"application/json", "application/xml"}
    assert "note" in doc["components"]["schemas"]["Definition"]["properties"]

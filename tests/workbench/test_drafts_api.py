"""Drafts through real HTTP: create (version, XML, blank, upload), read, change under If-Match,
download, delete; who may see what; every refusal with the status the contract gives it."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.errors import Conflict
from app.models import Draft, DraftFile, ProcessDefinition, User
from app.services import drafts
from tests.diagrams import two_step
from tests.workbench.drafts_kit import blank, put, upload

COMPLAINT = "complaint_handling"
DMN = (
    b'<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" '
    b'id="d" name="authority" namespace="x"><decision id="authority" name="Authority"/></definitions>'
)

EMPTY_FORM = '{"type": "object", "title": "Empty", "x-title-zh": "空"}'  # the smallest usable form


def _complaint_version(rt) -> int:
    with rt.sessions() as s:
        version = s.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == COMPLAINT))
    assert version is not None
    return version


def test_a_blank_draft_is_a_laid_out_diagram_that_runs_and_is_listed_newest_first(login):
    analyst = login("analyst")
    first = blank(analyst, "first")
    second = blank(analyst, "second")
    assert analyst.last.headers["ETag"] == f'"{second["id"]}-1"' and second["lock_version"] == 1
    [name] = second["files"]
    assert name.startswith("Process_") and name.endswith(".bpmn") and second["process_key"] == name[:-5]
    listed = analyst.get("/drafts", expect=200)
    assert [d["id"] for d in listed] == [second["id"], first["id"]]
    assert set(listed[0]) == {
        "id",
        "name",
        "owner",
        "process_key",
        "base_version",
        "created_at",
        "updated_at",
        "lock_version",
        "files",
    }
    assert listed[0]["files"] == [name] and listed[1]["name"] == "first"
    xml = analyst.get(f"/drafts/{second['id']}/files/{name}", expect=200)
    assert xml is None  # XML, not JSON
    text = analyst.last.get_data(as_text=True)
    assert "bpmndi:BPMNShape" in text and 'isExecutable="true"' in text and 'name="second"' in text
    deployed = analyst.post(f"/drafts/{second['id']}/deploy", json={"note": "new"}, expect=201)
    assert deployed["versions"] == [{"key": name[:-5], "version": 1, "name": "second", "created": True, "note": "new"}]


def test_a_draft_from_a_deployed_version_copies_its_diagram_and_the_forms_it_uses(login, rt):
    version = _complaint_version(rt)
    analyst = login("analyst")
    draft = analyst.post("/drafts", json={"from": {"process_key": COMPLAINT, "version": version}}, expect=201)
    assert draft["process_key"] == COMPLAINT and draft["base_version"] == version
    assert f"{COMPLAINT}.bpmn" in draft["files"]
    assert {"forms/confirm_record.json", "forms/classify_complaint.json", f"forms/{COMPLAINT}.start.json"} <= set(
        draft["files"]
    )
    with rt.sessions() as s:
        definition = s.scalar(
            select(ProcessDefinition).where(ProcessDefinition.key == COMPLAINT, ProcessDefinition.version == version)
        )
        assert definition is not None
        stored = s.scalar(
            select(DraftFile.content).where(DraftFile.draft_id == draft["id"], DraftFile.name == f"{COMPLAINT}.bpmn")
        )
        assert stored == definition.xml
    form = analyst.get(f"/drafts/{draft['id']}/files/forms/confirm_record.json", expect=200)
    assert form == json.loads((rt.settings.forms_dir / "confirm_record.json").read_text(encoding="utf-8"))
    assert analyst.last.headers["Content-Disposition"] == "attachment; filename=confirm_record.json"


def test_unknown_versions_and_bad_bodies_are_refused_naming_the_field(login):
    analyst = login("analyst")
    missing = analyst.post("/drafts", json={"from": {"process_key": COMPLAINT, "version": 999}}, expect=404)
    assert missing["error"]["code"] == "unknown_process_version"
    bad = analyst.post("/drafts", json={"from": {"process_key": COMPLAINT, "version": "1"}}, expect=422)
    assert bad["error"]["details"][0]["field"] == "from.version"
    assert analyst.post("/drafts", json={}, expect=422)["error"]["details"][0]["field"] == "from"
    assert analyst.post("/drafts", json={"name": "  "}, expect=422)["error"]["details"][0]["field"] == "name"
    assert analyst.post("/drafts", json={"name": "x", "xml": 3}, expect=422)["error"]["details"][0]["field"] == "xml"
    analyst.post("/drafts", data="name=x", headers={"Content-Type": "text/plain"}, expect=415)
    assert analyst.get("/drafts", expect=200) == []


def test_uploading_a_bpmn_file_makes_a_draft_named_after_it(login):
    analyst = login("analyst")
    draft = upload(analyst, two_step("uploaded_proc"), "我的流程.bpmn")
    assert draft["name"] == "我的流程" and draft["files"] == ["uploaded_proc.bpmn"]
    assert draft["process_key"] == "uploaded_proc" and draft["base_version"] is None
    assert upload(analyst, b"", "empty.bpmn", expect=422)["error"]["code"] == "invalid_bpmn"


def test_a_draft_may_hold_a_diagram_that_cannot_run_but_not_one_that_is_not_bpmn_xml(login):
    analyst = login("analyst")
    broken = two_step("broken_draft", script="import os")
    draft = analyst.post("/drafts", json={"name": "broken", "xml": broken.decode()}, expect=201)
    assert draft["files"] == ["broken_draft.bpmn"]
    not_xml = analyst.post("/drafts", json={"name": "x", "xml": "<bpmn:definitions"}, expect=422)
    assert not_xml["error"]["code"] == "malformed_xml" and not_xml["error"]["details"][0]["file"] == "diagram.bpmn"
    hostile = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'
    refused = analyst.post("/drafts", json={"name": "x", "xml": hostile}, expect=422)
    assert refused["error"]["code"] == "forbidden_xml"
    other_root = analyst.post("/drafts", json={"name": "x", "xml": "<html/>"}, expect=422)
    assert other_root["error"]["code"] == "invalid_bpmn"
    assert [d["id"] for d in analyst.get("/drafts", expect=200)] == [draft["id"]]


def test_files_change_only_under_the_drafts_current_lock_version(login, rt):
    analyst = login("analyst")
    draft = blank(analyst)
    path = f"/drafts/{draft['id']}"
    form = '{"type": "object", "title": "Review", "x-title-zh": "审核"}'
    refused = put(analyst, draft["id"], "forms/review.json", form, None, 428)
    assert refused["error"]["code"] == "if_match_required"
    added = put(analyst, draft["id"], "forms/review.json", form, analyst_etag := f'"{draft["id"]}-1"', 201)
    assert added["lock_version"] == 2 and "forms/review.json" in added["files"]
    stale = put(analyst, draft["id"], "forms/review.json", EMPTY_FORM, analyst_etag, 409)
    assert stale["error"]["code"] == "draft_changed"
    assert analyst.get(f"{path}/files/forms/review.json", expect=200) == {
        "type": "object",
        "title": "Review",
        "x-title-zh": "审核",
    }
    replaced = put(analyst, draft["id"], "forms/review.json", EMPTY_FORM, "2", 200)  # the bare lock_version works too
    assert replaced["lock_version"] == 3
    assert put(analyst, draft["id"], "authority.dmn", DMN, f'"{draft["id"]}-3"', 201)["lock_version"] == 4
    renamed = analyst.call("PATCH", path, json={"name": "改名 renamed"}, headers={"If-Match": "4"}, expect=200)
    assert renamed["name"] == "改名 renamed" and analyst.last.headers["ETag"] == f'"{draft["id"]}-5"'
    analyst.call("PATCH", path, json={"name": "again"}, headers={"If-Match": "4"}, expect=409)
    analyst.call("PATCH", path, json={"name": "again"}, expect=428)
    analyst.call("PATCH", path, json={"name": ""}, headers={"If-Match": "5"}, expect=422)
    analyst.call("DELETE", f"{path}/files/authority.dmn", expect=428)
    left = analyst.call("DELETE", f"{path}/files/authority.dmn", headers={"If-Match": "5"}, expect=200)
    assert "authority.dmn" not in left["files"] and left["lock_version"] == 6
    analyst.call("DELETE", f"{path}/files/authority.dmn", headers={"If-Match": "6"}, expect=404)
    analyst.get(f"{path}/files/forms/missing.json", expect=404)
    with rt.sessions() as s:
        assert s.get(Draft, draft["id"]).name == "改名 renamed"


def test_two_tabs_saving_from_the_same_version_never_overwrite_each_other(login):
    analyst = login("analyst")
    draft = blank(analyst)
    name = draft["files"][0]
    seen = analyst.get(f"/drafts/{draft['id']}", expect=200) and analyst.last.headers["ETag"]
    mine = two_step(draft["process_key"], name="tab one")
    put(analyst, draft["id"], name, mine, seen, 200)
    theirs = put(analyst, draft["id"], name, two_step(draft["process_key"], name="tab two"), seen, 409)
    assert theirs["error"]["details"][0]["lock_version"] == 2
    analyst.get(f"/drafts/{draft['id']}/files/{name}", expect=200)
    assert analyst.last.get_data() == mine


def test_file_names_contents_and_sizes_are_checked_naming_the_file(login, rt):
    analyst = login("analyst")
    draft = blank(analyst)
    etag = f'"{draft["id"]}-1"'
    for bad in ("notes.txt", "forms/a/b.json", "forms/..json", "sub/x.bpmn", ".hidden.bpmn", "forms/x.bpmn"):
        refused = put(analyst, draft["id"], bad, "{}", etag, None)
        assert analyst.last.status_code in (404, 422), bad  # the URL router may already refuse a path
        if analyst.last.status_code == 422:
            assert refused["error"]["code"] == "bad_file_name" and refused["error"]["details"][0]["file"] == bad
    analyst.call("PUT", f"/drafts/{draft['id']}/files/forms/%2e%2e/x.json", data="{}", headers={"If-Match": "1"})
    assert analyst.last.status_code in (404, 422)
    for name, body, code in (
        ("forms/list.json", "[1, 2]", "invalid_form"),
        ("forms/nan.json", '{"a": NaN}', "invalid_form"),
        ("forms/text.json", "not json", "invalid_form"),
        ("table.dmn", "<definitions/>", "invalid_dmn"),
        ("table.dmn", "<definitions", "malformed_xml"),
        ("other.bpmn", "<x/>", "invalid_bpmn"),
        ("other.bpmn", b"\xff\xfe", "invalid_encoding"),
    ):
        refused = put(analyst, draft["id"], name, body, etag, 422)
        assert refused["error"]["code"] == code and refused["error"]["details"][0]["file"] == name, name
    too_big = put(analyst, draft["id"], "forms/big.json", json.dumps({"a": "x" * 300_000}), etag, 413)
    assert too_big["error"]["details"][0]["file"] == "forms/big.json"
    assert analyst.get(f"/drafts/{draft['id']}", expect=200)["lock_version"] == 1  # nothing half-applied


def test_download_gives_the_diagram_as_an_attachment(login):
    analyst = login("analyst")
    draft = upload(analyst, two_step("download_me"), "download_me.bpmn")
    analyst.get(f"/drafts/{draft['id']}/download", expect=200)
    response = analyst.last
    assert response.headers["Content-Disposition"] == "attachment; filename=download_me.bpmn"
    assert response.mimetype == "application/xml" and response.get_data() == two_step("download_me")
    put(analyst, draft["id"], "download_me.bpmn", "", f'"{draft["id"]}-1"', 422)
    analyst.call("DELETE", f"/drafts/{draft['id']}/files/download_me.bpmn", headers={"If-Match": "1"}, expect=200)
    assert analyst.get(f"/drafts/{draft['id']}/download", expect=404)["error"]["code"] == "no_diagram"


def test_a_draft_is_its_owners_an_admin_reads_it_nobody_else_sees_it(login, other_analyst):
    analyst, other, admin = login("analyst"), login(other_analyst), login("admin")
    draft = blank(analyst, "mine")
    path = f"/drafts/{draft['id']}"
    assert other.get("/drafts", expect=200) == []
    for method, url in (("GET", path), ("GET", f"{path}/download"), ("DELETE", path), ("POST", f"{path}/deploy")):
        assert other.call(method, url, expect=404)["error"]["code"] == "unknown_draft"
    put(other, draft["id"], "forms/x.json", EMPTY_FORM, "1", 404)
    assert admin.get(path, expect=200)["owner"] == "analyst"
    admin.get(f"{path}/download", expect=200)
    assert admin.get("/drafts", expect=200) == []  # the list is one's own drafts
    assert put(admin, draft["id"], "forms/x.json", EMPTY_FORM, "1", 403)["error"]["code"] == "not_your_draft"
    admin.call("DELETE", path, expect=403)
    login("agent").get("/drafts", expect=403)
    login("manager").get(path, expect=403)
    login(None).get("/drafts", expect=401)
    login(None).post("/drafts", json={"name": "x"}, expect=401)


def test_deleting_a_draft_deletes_its_files(login, rt):
    analyst = login("analyst")
    draft = blank(analyst)
    analyst.call("DELETE", f"/drafts/{draft['id']}", headers={"If-Match": "7"}, expect=409)
    analyst.call("DELETE", f"/drafts/{draft['id']}", headers={"If-Match": "1"}, expect=204)
    analyst.get(f"/drafts/{draft['id']}", expect=404)
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(DraftFile).where(DraftFile.draft_id == draft["id"])) == 0
    analyst.call("DELETE", f"/drafts/{draft['id']}", expect=404)


def test_the_openapi_document_describes_the_drafts_and_the_timer_preview(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/drafts"]) == {"get", "post"} and set(paths["/drafts/{id}"]) == {"get", "patch", "delete"}
    assert set(paths["/drafts/{id}/files/{name}"]) == {"get", "put", "delete"}
    put_file = paths["/drafts/{id}/files/{name}"]["put"]
    assert {"409", "413", "422", "428"} <= set(put_file["responses"])
    assert any(p["name"] == "If-Match" and p["required"] for p in put_file["parameters"])
    assert "multipart/form-data" in paths["/drafts"]["post"]["requestBody"]["content"]
    assert "post" in paths["/drafts/{id}/deploy"] and "get" in paths["/drafts/{id}/download"]
    preview = paths["/timers/preview"]["post"]
    assert preview["responses"]["200"]["content"]["application/json"]["schema"]["required"] == [
        "valid",
        "due",
        "due_local",
        "message",
    ]


def test_a_save_racing_another_after_its_if_match_check_is_refused_and_changes_nothing(login, rt):
    analyst = login("analyst")
    draft = blank(analyst)
    with rt.sessions() as s:
        user = s.scalar(select(User).where(User.username == "analyst"))
        loaded = drafts.get(s, user, draft["id"], change=True)
        seen = drafts.version_from_if_match(loaded, "1")  # checked, then another save lands first
        s.commit()  # (SQLite: let the other writer in; the loaded draft keeps what was read)
        put(analyst, draft["id"], "forms/first.json", EMPTY_FORM, "1", 201)
        with pytest.raises(Conflict) as refused:
            drafts.put_file(rt, s, loaded, "forms/second.json", EMPTY_FORM.encode(), seen_version=seen)
        assert refused.value.code == "draft_changed"
        s.rollback()
    assert analyst.get(f"/drafts/{draft['id']}", expect=200)["files"][1:] == ["forms/first.json"]


def test_counts_are_bounded_drafts_per_analyst_and_files_per_draft(login, monkeypatch):
    monkeypatch.setattr(drafts, "MAX_DRAFTS", 1)
    monkeypatch.setattr(drafts, "MAX_FILES", 2)
    analyst = login("analyst")
    draft = blank(analyst)
    assert analyst.post("/drafts", json={"name": "one more"}, expect=409)["error"]["code"] == "too_many_drafts"
    put(analyst, draft["id"], "forms/a.json", EMPTY_FORM, "1", 201)
    full = put(analyst, draft["id"], "forms/b.json", EMPTY_FORM, "2", 422)
    assert full["error"]["code"] == "too_many_files" and full["error"]["details"][0]["file"] == "forms/b.json"
    assert put(analyst, draft["id"], "forms/a.json", '{"type": "object"}', "2", 200)["lock_version"] == 3


def test_saving_a_form_checks_it_as_the_form_editor_does(login):
    analyst = login("analyst")
    draft = analyst.post("/drafts", json={"name": "form checks"}, expect=201)
    broken = '{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]}'
    refused = put(analyst, draft["id"], "forms/broken.json", broken, "1", 422)
    assert "required: required field 'b' is not a field of the form" in refused["error"]["message"]
    assert "forms/broken.json" not in analyst.get(f"/drafts/{draft['id']}", expect=200)["files"]

"""Deploying a draft: a new version with the note passed through; a diagram that cannot run is refused
with the deploy's own details; the draft stays either way."""

from __future__ import annotations

from sqlalchemy import select

from app.models import ProcessDefinition
from tests.diagrams import two_step
from tests.workbench.drafts_kit import put, upload


def _versions(rt, key: str) -> list[tuple[int, str | None]]:
    with rt.sessions() as s:
        rows = s.execute(
            select(ProcessDefinition.version, ProcessDefinition.deployed_by)
            .where(ProcessDefinition.key == key)
            .order_by(ProcessDefinition.version)
        )
        return [(v, by) for v, by in rows]


def test_deploying_a_draft_creates_the_next_version_and_keeps_the_draft(login, rt):
    analyst = login("analyst")
    analyst.deploy(two_step("draft_deploy"))
    draft = upload(analyst, two_step("draft_deploy", name="Two step, revised"), "draft_deploy.bpmn")
    answer = analyst.post(f"/drafts/{draft['id']}/deploy", json={"note": "改了名称 renamed"}, expect=201)
    assert answer["note"] == "改了名称 renamed" and answer["draft_id"] == draft["id"]
    assert answer["versions"] == [
        {"key": "draft_deploy", "version": 2, "name": "Two step, revised", "created": True, "note": "改了名称 renamed"}
    ]
    assert _versions(rt, "draft_deploy") == [(1, "analyst"), (2, "analyst")]
    assert analyst.get(f"/drafts/{draft['id']}", expect=200)["id"] == draft["id"]  # the analyst decides to delete
    again = analyst.post(f"/drafts/{draft['id']}/deploy", json={}, expect=200)
    assert again["versions"][0] | {"created": True} == answer["versions"][0] and not again["versions"][0]["created"]
    started = login("agent").post("/process-instances", json={"process_key": "draft_deploy"}, expect=201)
    assert started["version"] == 2


def test_a_draft_that_cannot_run_is_refused_with_the_element_and_nothing_is_deployed(login, rt):
    analyst = login("analyst")
    draft = upload(analyst, two_step("draft_refused", script="import os"), "draft_refused.bpmn")
    refused = analyst.post(f"/drafts/{draft['id']}/deploy", json={"note": "x"}, expect=422)
    assert any(d.get("element_id") == "script" for d in refused["error"]["details"]), refused
    assert _versions(rt, "draft_refused") == []
    fixed = put(analyst, draft["id"], "draft_refused.bpmn", two_step("draft_refused"), "1", 200)
    assert fixed["lock_version"] == 2
    analyst.post(f"/drafts/{draft['id']}/deploy", expect=201)
    assert _versions(rt, "draft_refused") == [(1, "analyst")]


def test_deploy_refuses_a_bad_note_a_draft_without_diagram_and_other_roles(login, rt):
    analyst = login("analyst")
    draft = upload(analyst, two_step("draft_no_diagram"), "draft_no_diagram.bpmn")
    note = analyst.post(f"/drafts/{draft['id']}/deploy", json={"note": 5}, expect=422)
    assert note["error"]["details"][0]["field"] == "note"
    analyst.post(f"/drafts/{draft['id']}/deploy", json={"note": "x" * 2001}, expect=422)
    login("agent").post(f"/drafts/{draft['id']}/deploy", json={}, expect=403)
    login(None).post(f"/drafts/{draft['id']}/deploy", json={}, expect=401)
    analyst.call("DELETE", f"/drafts/{draft['id']}/files/draft_no_diagram.bpmn", headers={"If-Match": "1"}, expect=200)
    empty = analyst.post(f"/drafts/{draft['id']}/deploy", json={}, expect=422)
    assert empty["error"]["code"] == "no_diagram"
    assert _versions(rt, "draft_no_diagram") == []

"""Forms belong to a version: a case keeps the forms of the version it runs on after a newer
version changes them (task page, API task, completing), new cases get the new forms; the
definitions page shows each version's change note."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select

from app.models import ProcessDefinition
from app.services.forms import FormStore
from tests.bundles import deploy_bundle, diagram, review_form


def start_and_task(agent: Any, key: str) -> tuple[int, str]:
    started = agent.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
    [task] = agent.get(f"/tasks?instance_id={started['id']}", expect=200)
    return started["version"], task["id"]


def test_a_running_case_keeps_its_versions_form_after_version_2_changes_it(login, web_login):
    analyst, agent = login("analyst"), login("agent")
    deploy_bundle(
        analyst, [("w_forms.bpmn", diagram("w_forms")), ("forms/w_forms_review.json", review_form("Old label"))]
    )
    old_version, old_task = start_and_task(agent, "w_forms")
    # version 2: the label changes and "reason" becomes required
    deploy_bundle(
        analyst,
        [
            ("w_forms.bpmn", diagram("w_forms")),
            ("forms/w_forms_review.json", review_form("New label", required=("decision", "reason"))),
        ],
        note="clearer label; a reason is required",
    )
    new_version, new_task = start_and_task(agent, "w_forms")
    assert (old_version, new_version) == (1, 2)

    old_form = agent.get(f"/tasks/{old_task}", expect=200)["form"]["schema"]
    new_form = agent.get(f"/tasks/{new_task}", expect=200)["form"]["schema"]
    assert old_form["properties"]["decision"]["title"] == "Old label" and old_form["required"] == ["decision"]
    assert new_form["properties"]["decision"]["title"] == "New label"
    assert new_form["required"] == ["decision", "reason"]

    web = web_login("agent", lang="en")
    old_page, new_page = web.text(f"/tasks/{old_task}"), web.text(f"/tasks/{new_task}")
    assert "Old label" in old_page and "New label" not in old_page
    assert "New label" in new_page and "Old label" not in new_page

    # completing validates against the case's own version: v2 would want a reason, v1 does not
    agent.post(f"/tasks/{new_task}/complete", json={"data": {"decision": "accept"}}, expect=422)
    err = agent.post(f"/tasks/{old_task}/complete", json={"data": {"decision": "maybe"}}, expect=422)
    assert [d["field"] for d in err["error"]["details"]] == ["decision"]
    r = web.post(f"/tasks/{old_task}", {"decision": "accept"}, expect=302)
    assert r.headers["Location"].startswith("/instances/")
    agent.post(f"/tasks/{new_task}/complete", json={"data": {"decision": "reject", "reason": "late"}}, expect=200)


def test_the_definitions_page_shows_each_versions_note(login, web_login):
    analyst = login("analyst")
    deploy_bundle(analyst, [("w_note.bpmn", diagram("w_note"))], note="first cut")
    deploy_bundle(analyst, [("w_note.bpmn", diagram("w_note", name="Renamed"))], note="renamed <the> process & task")
    page = web_login("admin", lang="en").text("/definitions?key=w_note&version=2")
    assert "<th>Note</th>" in page
    notes = dict(
        re.findall(r'data-key="w_note" data-version="(\d)".*?<td class="deploy-note">([^<]*)</td>', page, re.S)
    )
    assert notes == {"1": "first cut", "2": "renamed &lt;the&gt; process &amp; task"}
    zh = web_login("analyst").text("/definitions?key=w_note&version=2")
    assert "<th>备注</th>" in zh


def test_the_form_cache_is_bounded_and_a_version_without_files_reads_the_forms_folder(rt, login):
    analyst = login("analyst")
    for label in ("one", "two", "three"):
        deploy_bundle(analyst, [("w_lru.bpmn", diagram("w_lru")), ("forms/w_lru_review.json", review_form(label))])
    analyst.deploy(diagram("w_legacy"))  # a form key found nowhere: the version owns no file
    store = FormStore(rt.settings.forms_dir, cache_size=2)
    with rt.sessions() as s:
        versions = s.scalars(
            select(ProcessDefinition).where(ProcessDefinition.key == "w_lru").order_by(ProcessDefinition.version)
        ).all()
        titles = [store.of(s, d).schema("w_lru_review")["properties"]["decision"]["title"] for d in versions]
        assert titles == ["one", "two", "three"]
        assert len(store._cache) == 2
        legacy = s.scalars(select(ProcessDefinition).where(ProcessDefinition.key == "w_legacy")).one()
        forms = store.of(s, legacy)
        assert forms.has("confirm_record") and forms.schema("w_legacy_review")["title"] == "Complete task"


def test_a_start_form_is_the_newest_versions(login, web_login):
    analyst, agent = login("analyst"), login("agent")
    start_form = json.dumps(
        {
            "type": "object",
            "title": "Intake",
            "properties": {"summary": {"type": "string", "title": "Summary v1"}},
            "required": ["summary"],
        }
    ).encode()
    deploy_bundle(analyst, [("w_start.bpmn", diagram("w_start")), ("forms/w_start.start.json", start_form)])
    err = agent.post("/process-instances", json={"process_key": "w_start", "variables": {}}, expect=422)
    assert [d["field"] for d in err["error"]["details"]] == ["summary"]
    relaxed = start_form.replace(b"Summary v1", b"Summary v2").replace(b'"required": ["summary"]', b'"required": []')
    deploy_bundle(analyst, [("w_start.bpmn", diagram("w_start")), ("forms/w_start.start.json", relaxed)])
    started = agent.post("/process-instances", json={"process_key": "w_start", "variables": {}}, expect=201)
    assert started["version"] == 2
    page = web_login("agent", lang="en").text("/start/w_start")
    assert "Summary v2" in page and "Summary v1" not in page

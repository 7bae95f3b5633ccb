"""Simulation runs of a draft (or of a diagram): they run with the draft's own forms and go with the
draft; they compile with the decision tables the draft would be deployed with, and deploy's error
rules (a run of what deploy would refuse is a 422 naming the element, never a 500)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update

from app.models import Draft, DraftFile, SimulationRun
from app.runtime import Runtime
from tests.diagrams import two_step

COMPLAINT = "complaint_handling"
TYPO = Path(__file__).parents[1] / "browser" / "diagrams" / "reminder_typo.bpmn"


def complaint_draft(api: Any) -> dict[str, Any]:
    version = max(d["version"] for d in api.get("/process-definitions", expect=200) if d["key"] == COMPLAINT)
    return dict(api.post("/drafts", json={"from": {"process_key": COMPLAINT, "version": version}}, expect=201))


def ready(run: dict[str, Any]) -> list[str]:
    return [t["element_id"] for t in run["tasks"]]


def test_a_complaint_draft_runs_with_its_decision_tables_or_else_its_versions(login: Any, rt: Runtime) -> None:
    analyst = login("analyst")
    draft = complaint_draft(analyst)
    assert any(name.endswith(".dmn") for name in draft["files"])
    run = analyst.post("/simulations", json={"draft_id": draft["id"]}, expect=201)
    assert run["draft_id"] == draft["id"] and run["status"] == "running" and ready(run) == ["Task_ConfirmRecord"]
    assert run["elements"]["Rule_SeverityCriteria"]["state"] == "completed"  # a decision table was called
    with rt.sessions() as s:  # a draft without tables of its own: those its process's latest version owns
        s.execute(delete(DraftFile).where(DraftFile.draft_id == draft["id"], DraftFile.name.like("%.dmn")))
        s.commit()
    again = analyst.post("/simulations", json={"draft_id": draft["id"]}, expect=201)
    assert again["status"] == "running" and ready(again) == ["Task_ConfirmRecord"]


def test_a_diagram_deploy_would_refuse_is_refused_naming_its_element(login: Any, rt: Runtime) -> None:
    analyst = login("analyst")
    with rt.sessions() as s:
        before = s.scalar(select(func.count()).select_from(SimulationRun))
    refused = analyst.post("/simulations", json={"xml": TYPO.read_text()}, expect=422)["error"]
    assert refused["code"] == "invalid_bpmn"
    assert any(d["element_id"] == "Timer_Reminder" for d in refused["details"]), refused
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SimulationRun)) == before


DRAFT_FORM = {
    "type": "object",
    "properties": {"checked": {"type": "string", "enum": ["yes", "no"]}},
    "required": ["checked"],
    "additionalProperties": False,
}


def test_a_draft_runs_with_its_own_forms_and_its_runs_go_with_it(login: Any, rt: Runtime) -> None:
    analyst = login("analyst")
    xml = two_step(key="sim_draft").decode()
    draft = analyst.post("/drafts", json={"name": "sim draft", "xml": xml}, expect=201)
    with rt.sessions() as s:
        s.add(DraftFile(draft_id=draft["id"], name="forms/test_first.json", content=json.dumps(DRAFT_FORM)))
        s.commit()
    run = analyst.post("/simulations", json={"draft_id": draft["id"]}, expect=201)
    assert run["draft_id"] == draft["id"] and run["process_key"] == "sim_draft" and run["version"] is None
    [task] = run["tasks"]
    assert task["schema"] == DRAFT_FORM and task["sample"] == {"checked": "yes"}
    bad = analyst.post(
        f"/simulations/{run['id']}/tasks/{task['id']}/complete", json={"data": {"checked": "maybe"}}, expect=422
    )
    assert bad["error"]["details"][0]["field"] == "checked"
    # the modeler's unsaved diagram, run as the draft's
    edited = xml.replace('name="Second step"', 'name="Edited step"')
    other = analyst.post("/simulations", json={"draft_id": draft["id"], "xml": edited}, expect=201)
    assert other["draft_id"] == draft["id"]
    # another analyst's draft is not found; a draft id that is not a number is refused
    login("admin").post("/simulations", json={"draft_id": draft["id"]}, expect=201)  # admins read any draft
    with rt.sessions() as s:
        s.execute(update(Draft).where(Draft.id == draft["id"]).values(owner="someone_else"))
        s.commit()
    analyst.post("/simulations", json={"draft_id": draft["id"]}, expect=404)
    analyst.post("/simulations", json={"draft_id": "1"}, expect=422)
    # deleting the draft deletes its runs
    with rt.sessions() as s:
        s.execute(delete(Draft).where(Draft.id == draft["id"]))
        s.commit()
        assert s.scalar(select(func.count()).select_from(SimulationRun)) == 0
    analyst.get(f"/simulations/{run['id']}", expect=404)

"""What a simulation run of a draft (or of a diagram) compiles with: the decision tables the draft
would be deployed with, and deploy's error rules (a run of what deploy would refuse is a 422
naming the element, never a 500)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from app.models import DraftFile, SimulationRun
from app.runtime import Runtime

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

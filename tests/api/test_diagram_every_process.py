"""Every diagram in processes/ and every runnable diagram of the corpora (shared/corpora/*/MANIFEST.tsv,
those our deploy accepts) through the product: deployed, started by an admin, its ready tasks
completed one by one and the clock moved past its timers. At every stop the diagram endpoint
answers, every element id it names is an element of the version's XML and every flow id a
sequence flow of it, and element states are the five the contract lists.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from app.errors import Invalid
from app.services import publishing
from app.services.bundles import Bundle, BundleFile
from tests.appeals.conftest import answers as appeal_answers
from tests.appeals.conftest import filing
from tests.batch_steps import REVIEW_ANSWERS, review_start
from tests.crisis_steps import REPORT
from tests.crisis_steps import TASKS as CRISIS_TASKS
from tests.engine.corpus_harness import CORPORA, deploy, read_manifest
from tests.evidence import cite_uploads, upload_photo
from tests.grievance.conftest import FILING, LONGEST_PATH
from tests.scenario.conftest import INTAKE, TASK_DATA

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
PROCESSES = Path(__file__).resolve().parents[2] / "processes"
DECISIONS = tuple(BundleFile(p.name, p.read_bytes()) for p in sorted(PROCESSES.glob("*.dmn")))
STATES = {"completed", "active", "waiting", "failed", "cancelled"}
START_DATA = {
    "complaint_handling": INTAKE,
    "crisis_response": REPORT,
    "appeal_review": filing(date(2026, 1, 5)),
    "employee_grievance": FILING,
    "finding_appeal": {"finding_id": 1, "employee": "sales", "appeal_reason": "不是我的责任"},
}
# each process's answers per task id (default: complaint_handling's)
TASK_ANSWERS: dict[str, dict[str, dict[str, Any]]] = {
    "crisis_response": {element: answer for element, (_user, answer) in CRISIS_TASKS.items()},
    "appeal_review": appeal_answers(date(2026, 1, 6)),
    "employee_grievance": LONGEST_PATH,
    "batch_review": REVIEW_ANSWERS,
    "finding_appeal": {"Task_DecideFindingAppeal": {"appeal_decision": "upheld", "decision_reason": "证据充分"}},
}
STEPS = 5  # tasks completed per instance (each a new diagram to check)
RACED_BY_A_TIMER = {"instance_changed", "task_not_ready", "busy"}


def _runnable() -> list[Path]:
    """processes/*.bpmn, then each corpus file our deploy accepts (in MANIFEST order)."""
    found = sorted(PROCESSES.glob("*.bpmn"))
    for folder in sorted(p for p in CORPORA.iterdir() if (p / "MANIFEST.tsv").is_file()):
        for row in read_manifest(folder):
            try:
                deploy(folder / row["file"])
            except Invalid:
                continue  # refused at deploy: nothing to draw (tests/engine says why)
            found.append(folder / row["file"])
    return found


RUNNABLE = _runnable()


def _label(path: Path) -> str:
    return path.name if path.parent == PROCESSES else str(path.relative_to(CORPORA))


def test_the_table_covers_processes_and_the_corpora():
    assert {p.name for p in PROCESSES.glob("*.bpmn")} <= {p.name for p in RUNNABLE}
    assert {p.relative_to(CORPORA).parts[0] for p in RUNNABLE if p.is_relative_to(CORPORA)} >= {
        "spiffworkflow-tests",
        "bpmn-miwg-test-suite",
    }
    assert len(RUNNABLE) > 50


class Checker:
    def __init__(self, api: Any, path: Path) -> None:
        self.api = api
        root = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
        self.ids = {node.get("id") for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
        self.flows = {node.get("id") for node in root.iter(f"{BPMN}sequenceFlow")}
        self.seen: set[str] = set()

    def check(self, instance_id: int) -> dict[str, Any]:
        d: dict[str, Any] = self.api.get(f"/process-instances/{instance_id}/diagram", expect=200)
        assert d["xml_url"].endswith(f"/versions/{d['version']}/xml")
        assert set(d["elements"]) <= self.ids, set(d["elements"]) - self.ids
        assert set(d["flows_taken"]) <= self.flows, set(d["flows_taken"]) - self.flows
        for element, value in d["elements"].items():
            assert value["state"] in STATES and value["count"] >= 1, (element, value)
        self.seen.update(value["state"] for value in d["elements"].values())
        return d


def _data_for(key: str, element_id: str, admin: Any, instance_id: int) -> dict[str, Any]:
    """The scenario's answer for this step; a cited photo is uploaded to the case first."""
    answers = TASK_ANSWERS.get(key, TASK_DATA)
    return cite_uploads(dict(answers.get(element_id, {})), lambda: upload_photo(admin, instance_id))


@pytest.mark.parametrize("path", RUNNABLE, ids=[_label(p) for p in RUNNABLE])
def test_the_diagram_of_every_runnable_process(login, rt, path: Path):
    analyst, admin = login("analyst"), login("admin")
    if path.parent == PROCESSES:  # deployed with the decision tables its business-rule tasks call
        with rt.sessions() as s:
            bundle = Bundle(diagrams=(BundleFile(path.name, path.read_bytes()),), decisions=DECISIONS)
            published = publishing.publish_bundle(rt, s, bundle, actor="analyst")
            s.commit()
            deployed = [{"key": d.definition.key} for d in published]
    else:
        deployed = analyst.call(
            "POST", "/process-definitions", data=path.read_bytes(), headers={"Content-Type": "application/xml"}
        )
        assert analyst.last.status_code in (200, 201), analyst.last.get_data(as_text=True)[:500]
    checker = Checker(admin, path)
    for process in deployed:
        key = process["key"]
        variables = review_start(rt) if key == "batch_review" else START_DATA.get(key, {})
        body = {"process_key": key, "variables": variables}
        started = admin.post("/process-instances", json=body, expect=201)
        checker.check(started["id"])
        for step in range(STEPS):
            tasks = admin.get(f"/process-instances/{started['id']}", expect=200)["tasks"]
            if not tasks:
                if step:
                    break
                admin.post("/admin/clock", json={"advance_seconds": 2 * 86400}, expect=200)  # timers fire
                checker.check(started["id"])
                continue
            task = tasks[0]
            answer = admin.post(
                f"/tasks/{task['id']}/complete", json={"data": _data_for(key, task["element_id"], admin, started["id"])}
            )
            # A corpus timer of milliseconds (boundary.bpmn: PT0.03S) is due at once and the session's
            # scheduler may fire it between our read and our complete: the product then answers 409
            # (the instance changed, the task was cancelled by the timer, or the row was locked by the
            # firing) and loses nothing; the next step reads the instance again.
            assert admin.last.status_code in (200, 409), admin.last.get_data(as_text=True)[:500]
            if admin.last.status_code == 409:
                assert answer["error"]["code"] in RACED_BY_A_TIMER, answer
            checker.check(started["id"])
    assert checker.seen, "no element was ever reached"

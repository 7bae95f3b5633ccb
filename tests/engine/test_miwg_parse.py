"""BPMN MIWG reference files and third-party exports on our deploy path.

Each file either deploys or is refused with ``Invalid`` whose details name the BPMN element at
fault; nothing escapes as another exception. ``EXPECTED`` records, per MANIFEST row, what we
decided: "deploys" or the reason a refusal must give (a substring of at least one detail).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.errors import Invalid
from tests.engine.corpus_harness import CORPORA, Run, deploy, read_manifest

CORPUS = CORPORA / "bpmn-miwg-test-suite"
ROWS = read_manifest(CORPUS)

DEPLOYS = "deploys"
NOT_EXECUTABLE = "process is not executable"  # descriptive/analytic models, not meant to run
JUEL = "JUEL"  # Camunda ${...} conditions
NOT_PYTHON = "syntax error"  # FEEL / XPath / prose conditions
DMN = "business rule task"  # names no decision table of the bundle (none is deployed with these)
NO_HANDLER = "serviceTaskOperator"  # service tasks without a product handler
NOT_BPMN = "root element is 'schema'"  # the XML Schema support file

_REF, _BPMNIO = "Reference/", "bpmn.io (Camunda Modeler) 18.6.1/"
EXPECTED: dict[str, str] = {
    **{
        f"{_REF}{name}.bpmn": NOT_EXECUTABLE
        for name in (
            "A.1.0",
            "A.2.0",
            "A.2.1",
            "A.3.0",
            "A.4.0",
            "A.4.1",
            "B.1.0",
            "B.2.0",
            "C.2.0",
            "C.4.0",
            "C.5.0",
            "C.6.0",
            "C.7.0",
            "C.8.0",
        )
    },
    f"{_REF}C.1.0.bpmn": JUEL,
    f"{_REF}C.1.1.bpmn": NOT_PYTHON,
    f"{_REF}C.3.0.bpmn": NOT_PYTHON,
    f"{_REF}C.8.1.bpmn": DMN,
    f"{_REF}C.9.0.bpmn": DMN,
    f"{_REF}C.9.1.bpmn": DEPLOYS,
    f"{_REF}C.9.2.bpmn": NOT_PYTHON,
    f"{_REF}xsdTypes.xsd": NOT_BPMN,
    **{
        f"{_BPMNIO}{name}-roundtrip.bpmn": NOT_EXECUTABLE
        for name in ("C.2.0", "C.4.0", "C.5.0", "C.6.0", "C.7.0", "C.8.0")
    },
    f"{_BPMNIO}C.1.0-roundtrip.bpmn": JUEL,
    f"{_BPMNIO}C.1.1-roundtrip.bpmn": NOT_PYTHON,
    f"{_BPMNIO}C.3.0-roundtrip.bpmn": NOT_PYTHON,
    f"{_BPMNIO}C.8.1-roundtrip.bpmn": DMN,
    f"{_BPMNIO}C.9.0-roundtrip.bpmn": DMN,
    f"{_BPMNIO}C.9.1-roundtrip.bpmn": DEPLOYS,
    f"{_BPMNIO}C.9.2-roundtrip.bpmn": NOT_PYTHON,
    "SAP Signavio Process Manager 19.9.0/C.1.1-export.bpmn": NOT_EXECUTABLE,
    "SAP Signavio Process Manager 19.9.0/C.9.1-export.bpmn": DEPLOYS,
    "SAP Signavio Process Manager 19.9.0/B.2.0-export.bpmn": NOT_EXECUTABLE,
    "Trisotech Workflow Modeler 12.6.3/C.1.1-export.bpmn": NOT_EXECUTABLE,
    "Trisotech Workflow Modeler 12.6.3/C.9.1-export.bpmn": NOT_EXECUTABLE,
    "Trisotech Workflow Modeler 12.6.3/B.2.0-export.bpmn": NOT_EXECUTABLE,
    "ARIS 10.2025.07/C.9.1-export.bpmn": NOT_EXECUTABLE,
    "ADONIS 17.0/C.9.1-export.bpmn": NOT_EXECUTABLE,
    "Open-BPMN 1.2.8_2/C.9.1-roundtrip.bpmn": DEPLOYS,
    "Yaoqiang BPMN Editor 4.0/B.2.0-export.bpmn": NO_HANDLER,
}


def test_every_manifest_row_has_an_expectation() -> None:
    files = [row["file"] for row in ROWS]
    assert len(files) == len(set(files)) > 0
    assert sorted(set(files) - EXPECTED.keys()) == [], "MANIFEST rows without an expectation"
    assert sorted(EXPECTED.keys() - set(files)) == [], "expectations for files not in the MANIFEST"


@pytest.mark.parametrize("row", ROWS, ids=[r["file"] for r in ROWS])
def test_miwg_file_deploys_or_is_refused_per_element(row: dict[str, str]) -> None:
    expected = EXPECTED.get(row["file"])
    assert expected is not None, f"no expectation for {row['file']}"
    path = CORPUS / row["file"]
    if expected == DEPLOYS:
        assert deploy(path).keys() == {"requestDocument_en"}
        return
    with pytest.raises(Invalid) as err:
        deploy(path)
    details = err.value.details
    assert err.value.code == "invalid_bpmn" and details
    assert any(expected in d["message"] for d in details), details
    for detail in details:
        assert detail["message"]
        if expected != NOT_BPMN:
            assert detail["element_id"], f"refusal without an element id: {detail}"


@pytest.mark.parametrize("name", [f for f, e in EXPECTED.items() if e == DEPLOYS])
def test_deployable_miwg_process_runs_to_its_first_wait(name: str) -> None:
    run = Run(deploy(CORPUS / name)["requestDocument_en"])
    assert run.incident is None and not run.completed
    assert [m["element_id"] for m in run.inst.waiting_messages()] == ["ReceiveTask_WaitForDocument"]
    timers = run.timers()
    assert timers["BoundaryEvent_1"]["cycles"] == 6  # R6/P1D, daily reminder
    assert abs(run.timer_due_in("BoundaryEvent_1") - timedelta(days=1).total_seconds()) < 60
    assert abs(run.timer_due_in("BoundaryEvent_2") - timedelta(days=7).total_seconds()) < 60
    run.message("MESSAGE_documentReceived", {"documentReferenceId": "D-1"})
    assert run.completed and run.timers() == {}

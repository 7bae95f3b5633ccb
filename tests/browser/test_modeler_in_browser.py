"""The analyst's modeler in Chromium (issue 8 §1): open a deployed version, edit a task in the
properties panel, download the change; upload diagrams; every MIWG file opens; Camunda and
spiffworkflow extensions survive an upload and download unchanged."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from playwright.sync_api import expect

from tests.browser.desk import screenshot
from tests.browser.modeler_kit import CAMUNDA_NS, SPIFF_NS, download, open_modeler, select, upload

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
MIWG = CORPORA / "bpmn-miwg-test-suite"
COMPLAINT = ROOT / "processes" / "complaint_handling.bpmn"
CAMUNDA_TASK_ATTRIBUTES = ("formKey", "candidateGroups", "assignee", "dueDate")
# Camunda Modeler diagrams with formKey / assignee / candidateGroups / dueDate, and spiffworkflow extensions
ROUND_TRIP = (
    COMPLAINT,
    Path(__file__).parent / "diagrams" / "reminder_typo.bpmn",  # all four Camunda task attributes
    CORPORA / "spiffworkflow-tests/tests/SpiffWorkflow/camunda/data/random_fact.bpmn",
    CORPORA / "spiffworkflow-tests/tests/SpiffWorkflow/camunda/data/subWorkflowComplex.bpmn",
    CORPORA / "spiffworkflow-tests/tests/SpiffWorkflow/spiff/data/human_task_metadata.bpmn",
    CORPORA / "spiffworkflow-tests/tests/SpiffWorkflow/spiff/data/signal_event_payload.bpmn",
)


def extensions(xml: bytes) -> dict[str, Any]:
    """What must survive a round trip: the Camunda task attributes per element, and every
    spiffworkflow element with its attributes and text, under the id of the element it extends."""
    root = etree.fromstring(xml)
    camunda = {}
    spiff = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name in CAMUNDA_TASK_ATTRIBUTES:
            value = element.get(f"{{{CAMUNDA_NS}}}{name}")
            if value is not None:
                camunda[(element.get("id"), name)] = value
        if etree.QName(element).namespace == SPIFF_NS:
            owner = next((a.get("id") for a in element.iterancestors() if a.get("id")), None)
            text = (element.text or "").strip()
            spiff.append((owner, etree.QName(element).localname, tuple(sorted(element.attrib.items())), text))
    return {"camunda": camunda, "spiff": sorted(spiff)}


def test_analyst_opens_a_version_edits_a_task_in_the_panel_and_downloads_the_change(desk):
    analyst = desk("analyst")
    page = open_modeler(analyst, "?key=complaint_handling&version=1")
    assert int(page.locator("#modeler-canvas").get_attribute("data-element-count") or 0) > 50
    expect(page.locator("#modeler-status")).to_contain_text("complaint_handling.bpmn")
    screenshot(page, "modeler-opened")

    select(page, "Task_ConfirmRecord")
    expect(page.locator(".bio-properties-panel-header-label")).to_contain_text("确认登记")
    form = page.locator('[data-entry-id="product-form"]')
    expect(form.locator("select")).to_have_value("confirm_record")
    expect(form).to_contain_text("spiffworkflow:property formKey")
    expect(page.locator('[data-entry-id="product-assignee"] input')).to_have_value("registered_by")
    screenshot(page, "modeler-user-task")

    name = page.locator('[data-entry-id="name"] textarea')
    name.fill("确认登记并回电 Confirm record and call back")
    name.blur()
    expect(page.locator('.djs-element[data-element-id="Task_ConfirmRecord"]').first).to_contain_text("回电")

    saved = etree.fromstring(download(page))
    task = saved.find(".//{*}userTask[@id='Task_ConfirmRecord']")
    assert task is not None and task.get("name") == "确认登记并回电 Confirm record and call back"
    form_key = task.find(f".//{{{SPIFF_NS}}}property[@name='formKey']")
    assert form_key is not None and form_key.get("value") == "confirm_record"
    assert analyst.errors == []


def test_service_task_shows_its_handler_and_parameters(desk):
    analyst = desk("analyst")
    page = open_modeler(analyst, "?key=complaint_handling&version=1")
    select(page, "Service_ClassifySeverity")
    handler = page.locator('[data-entry-id="product-handler"]')
    expect(handler.locator("select, input")).to_have_value("severity_from_criteria")
    expect(page.locator('[data-entry-id="product-result-variable"] input')).to_have_value("severity")
    expect(page.locator('[data-entry-id="product-parameter-claim_amount"] input')).to_have_value("claim_amount")
    screenshot(page, "modeler-service-task")
    assert analyst.errors == []


def test_upload_then_download_keeps_camunda_attributes_and_spiffworkflow_extensions(desk):
    analyst = desk("analyst")
    page = open_modeler(analyst)
    attributes_seen: set[str] = set()
    for path in ROUND_TRIP:
        original = extensions(path.read_bytes())
        assert original["camunda"] or original["spiff"], f"{path.name} has nothing to keep"
        attributes_seen |= {name for _, name in original["camunda"]}
        upload(page, path)
        expect(page.locator("#modeler-canvas")).to_have_attribute("data-import-state", "done")
        assert extensions(download(page)) == original, path.name
    assert attributes_seen == set(CAMUNDA_TASK_ATTRIBUTES)
    assert analyst.errors == []


def miwg_files() -> list[Path]:
    with (MIWG / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        return [MIWG / row["file"] for row in csv.DictReader(manifest, delimiter="\t")]


def test_every_miwg_file_opens_in_the_modeler(desk):
    """One page imports each file of the MANIFEST in turn: every diagram opens with elements; its
    support file (an XML Schema, not a diagram) is refused with its name, and the next one opens."""
    files = miwg_files()
    diagrams = [path for path in files if path.suffix == ".bpmn"]
    assert len(diagrams) > 40 and len(files) > len(diagrams)
    analyst = desk("analyst")
    page = open_modeler(analyst)
    canvas = page.locator("#modeler-canvas")
    status = page.locator("#modeler-status")
    failed = []
    for path in files:
        upload(page, path)
        if path.suffix != ".bpmn":
            expect(canvas).to_have_attribute("data-import-state", "failed")
            expect(status).to_contain_text(path.name)
            continue
        count = int(canvas.get_attribute("data-element-count") or 0)
        if canvas.get_attribute("data-import-state") != "done" or count == 0:
            failed.append((str(path.relative_to(MIWG)), status.inner_text()))
    assert failed == []
    screenshot(page, "modeler-miwg-last")
    assert analyst.errors == []


def test_the_modeler_speaks_english_too(desk):
    analyst = desk("analyst", locale="en-US")
    page = analyst.page
    page.goto(f"{analyst.base}/workbench/model?key=complaint_handling&version=1&lang=en")
    expect(page.locator("#modeler-canvas")).to_have_attribute("data-import-state", "done")
    expect(page.locator("#modeler-download")).to_have_text("Download .bpmn")
    expect(page.locator("#modeler-status")).to_contain_text("elements.")
    select(page, "Task_ConfirmRecord")
    expect(page.locator('[data-group-id="group-product"]')).to_contain_text("Runs in this product")
    expect(page.locator('[data-entry-id="product-form"]')).to_contain_text("Form")
    screenshot(page, "modeler-user-task-en")
    assert analyst.errors == []

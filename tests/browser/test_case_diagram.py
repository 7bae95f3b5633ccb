"""The case page's diagram in headless Chromium: bpmn-js draws the instance's version, and the
canvas markers (not a picture) say which step is done, active, waiting; a click on a step opens
its history. A collapsed subprocess opens with bpmn-js's drill-down.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.desk import Desk, screenshot
from tests.diagrams import HEAD
from tests.engine.corpus_harness import CORPORA
from tests.scenario.conftest import ComplaintRun

pytestmark = pytest.mark.browser


def element(page: Page, element_id: str) -> Any:
    return page.locator(f'#diagram-canvas g.djs-element[data-element-id="{element_id}"]')


# Every Content-Security-Policy refusal on the page (a style attribute, a data: font, an eval) lands here.
CSP_WATCH = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def open_case(desk: Desk, instance_id: int) -> Page:
    page = desk.page
    page.add_init_script(CSP_WATCH)
    page.goto(f"{desk.base}/instances/{instance_id}")
    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "true")
    return page


def assert_clean(desk: Desk) -> None:
    """No page error, no console error, no CSP refusal while the diagram was drawn and used."""
    assert desk.errors == []
    assert desk.page.evaluate("window.cspViolations") == []


def test_the_diagram_of_a_complaint_at_the_manager_approval(login: Any, desk: Any) -> None:
    run = ComplaintRun(login)
    assert run.drive(until="Task_ApproveByManager") is not None
    manager = desk("manager")
    page = open_case(manager, run.instance_id)

    expect(element(page, "Task_ApproveByManager")).to_have_class(_has("state-active"))
    for done in ("Task_ConfirmRecord", "Task_ClassifyComplaint", "Task_Investigate", "Task_ProposeSolution"):
        expect(element(page, done)).to_have_class(_has("state-completed"))
    expect(element(page, "Timer_HandlingBreach")).to_have_class(_has("state-waiting"))
    expect(element(page, "SubProcess_Handling")).to_have_class(_has("state-active"))
    expect(element(page, "Task_ApproveBySupervisor")).not_to_have_class(_has("state-"))
    assert page.locator("#diagram-canvas g.djs-element.djs-connection.flow-taken").count() >= 10
    expect(element(page, "Flow_ToManager")).to_have_class(_has("flow-taken"))
    expect(element(page, "Flow_ToSupervisor")).not_to_have_class(_has("flow-taken"))

    # notes: who holds the approval (the managers' group, in Chinese), when the deadline is due
    holder = page.locator('.djs-overlays[data-container-id="Task_ApproveByManager"] .case-note.holder')
    expect(holder).to_contain_text("区域经理/店长")
    breach = page.locator('.djs-overlays[data-container-id="Timer_HandlingBreach"] .case-note.timer')
    expect(breach).to_contain_text("到期 · 剩余")
    expect(page.locator(".diagram-legend li")).to_have_count(6)

    # a click on the investigation: who completed it, when, with which (labelled) data
    screenshot(page, "case-diagram-focused")  # the large diagram opens on the active step
    page.click("#diagram-fit")
    element(page, "Task_Investigate").click()
    panel = page.locator("#element-panel")
    expect(panel).to_be_visible()
    expect(page.locator("#element-panel-title")).to_have_text("调查核实")
    done = panel.locator('.history-item[data-type="task_completed"]')
    expect(done.locator(".actor")).to_have_text("quality")
    expect(done).to_contain_text("封口不严")
    screenshot(page, "case-diagram")
    page.click("#element-panel-close")
    expect(panel).to_be_hidden()
    assert_clean(manager)


def test_the_diagram_in_english(login: Any, desk: Any) -> None:
    run = ComplaintRun(login)
    assert run.drive(until="Task_ClassifyComplaint") is not None
    agent = desk("agent", locale="en-US")
    agent.page.goto(f"{agent.base}/?lang=en")
    page = open_case(agent, run.instance_id)
    expect(page.locator("#case-diagram h2")).to_contain_text("Case diagram")
    expect(page.locator(".diagram-legend")).to_contain_text("Path taken")
    expect(page.locator('.djs-overlays[data-container-id="Task_ClassifyComplaint"] .case-note.holder')).to_contain_text(
        "Open to"
    )
    page.click("#diagram-fit")
    element(page, "Task_ConfirmRecord").click()
    expect(page.locator("#element-panel-title")).to_have_text("Confirm record")
    expect(page.locator("#element-panel .history-item").first).to_contain_text("Task completed")
    screenshot(page, "case-diagram-en")
    assert_clean(agent)


def collapsed_subprocess(key: str) -> bytes:
    """start -> Handle (a collapsed subprocess: its own diagram plane) -> end; inside: Inner step."""
    shape = '<bpmndi:BPMNShape id="{0}_di" bpmnElement="{0}"{1}><dc:Bounds x="{2}" y="{3}" width="{4}" height="{5}"/>'
    edge = '<bpmndi:BPMNEdge id="{0}_di" bpmnElement="{0}"><di:waypoint x="{1}" y="{2}"/><di:waypoint x="{3}" y="{2}"/>'
    return (
        HEAD.replace(
            'id="defs"',
            'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
            'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs"',
        )
        + f'<bpmn:process id="{key}" name="Collapsed" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handle"/>'
        '<bpmn:subProcess id="handle" name="处理 Handle"><bpmn:startEvent id="inner_start"/>'
        '<bpmn:sequenceFlow id="g1" sourceRef="inner_start" targetRef="inner"/>'
        '<bpmn:userTask id="inner" name="内部步骤 Inner step"><bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="candidateGroups" value="cs_agents"/></spiffworkflow:properties>'
        "</bpmn:extensionElements></bpmn:userTask>"
        '<bpmn:sequenceFlow id="g2" sourceRef="inner" targetRef="inner_end"/><bpmn:endEvent id="inner_end"/>'
        "</bpmn:subProcess>"
        '<bpmn:sequenceFlow id="f2" sourceRef="handle" targetRef="end"/><bpmn:endEvent id="end"/></bpmn:process>'
        f'<bpmndi:BPMNDiagram id="d1"><bpmndi:BPMNPlane id="p1" bpmnElement="{key}">'
        + shape.format("start", "", 100, 100, 36, 36)
        + "</bpmndi:BPMNShape>"
        + shape.format("handle", ' isExpanded="false"', 180, 78, 100, 80)
        + "</bpmndi:BPMNShape>"
        + shape.format("end", "", 330, 100, 36, 36)
        + "</bpmndi:BPMNShape>"
        + edge.format("f1", 136, 118, 180)
        + "</bpmndi:BPMNEdge>"
        + edge.format("f2", 280, 118, 330)
        + "</bpmndi:BPMNEdge></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>"
        '<bpmndi:BPMNDiagram id="d2"><bpmndi:BPMNPlane id="p2" bpmnElement="handle">'
        + shape.format("inner_start", "", 100, 100, 36, 36)
        + "</bpmndi:BPMNShape>"
        + shape.format("inner", "", 180, 78, 100, 80)
        + "</bpmndi:BPMNShape>"
        + shape.format("inner_end", "", 330, 100, 36, 36)
        + "</bpmndi:BPMNShape>"
        + edge.format("g1", 136, 118, 180)
        + "</bpmndi:BPMNEdge>"
        + edge.format("g2", 280, 118, 330)
        + "</bpmndi:BPMNEdge></bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"
    ).encode()


def test_a_collapsed_subprocess_drills_down(login: Any, desk: Any) -> None:
    login("analyst").deploy(collapsed_subprocess("collapsed_sub"))
    inst = login("agent").post("/process-instances", json={"process_key": "collapsed_sub", "variables": {}}, expect=201)
    agent = desk("agent")
    page = open_case(agent, inst["id"])
    expect(element(page, "handle")).to_have_class(_has("state-active"))
    expect(element(page, "start")).to_have_class(_has("state-completed"))
    expect(element(page, "f1")).to_have_class(_has("flow-taken"))
    expect(element(page, "inner")).to_have_count(0)  # drawn on the subprocess's own plane
    page.locator('.djs-overlays[data-container-id="handle"] .bjs-drilldown').click()
    expect(element(page, "inner")).to_have_class(_has("state-active"))
    expect(element(page, "g1")).to_have_class(_has("flow-taken"))
    expect(page.locator('.djs-overlays[data-container-id="inner"] .case-note.holder')).to_be_visible()
    expect(page.locator(".bjs-breadcrumbs")).to_contain_text("处理 Handle")
    element(page, "inner").click()
    expect(page.locator("#element-panel-title")).to_have_text("内部步骤")
    expect(page.locator('#element-panel .history-item[data-type="task_created"]')).to_be_visible()
    screenshot(page, "case-diagram-drilldown")
    assert_clean(agent)


def test_the_page_works_without_javascript(login: Any, browser: Any, server_url: str) -> None:
    run = ComplaintRun(login)
    assert run.drive(until="Task_ClassifyComplaint") is not None
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server_url}/login")
    page.fill("#username", "agent")
    page.fill("#password", "agent")
    page.click("button[type=submit].primary")
    page.goto(f"{server_url}/instances/{run.instance_id}")
    expect(page.locator("#diagram-note")).to_be_visible()
    expect(page.locator("table.history")).to_contain_text("确认登记")  # the rest of the page is there
    expect(page.locator("#element-panel")).to_be_hidden()
    context.close()


def _has(cls: str) -> Any:
    import re

    return re.compile(rf"(^|\s){re.escape(cls)}")


CORPUS_SUBPROCESSES = {
    # an expanded subprocess with a user task and a boundary timer on the subprocess
    "tests/SpiffWorkflow/bpmn/data/timer-non-interrupt-boundary.bpmn": "NonInterruptTimer",
    # a subprocess with three forms inside, then one after it
    "tests/SpiffWorkflow/camunda/data/subWorkflowComplex.bpmn": "SubWorkflow",
}


@pytest.mark.parametrize("file", sorted(CORPUS_SUBPROCESSES))
def test_corpus_subprocess_diagrams_are_drawn_with_their_states(login: Any, desk: Any, file: str) -> None:
    analyst, admin = login("analyst"), login("admin")
    analyst.deploy((CORPORA / "spiffworkflow-tests" / file).read_bytes())
    body = {"process_key": CORPUS_SUBPROCESSES[file], "variables": {}}
    inst = admin.post("/process-instances", json=body, expect=201)
    admin.post("/admin/clock", json={"advance_seconds": 86400}, expect=200)  # its short timers have fired
    state = admin.get(f"/process-instances/{inst['id']}/diagram", expect=200)
    assert {"active", "completed"} <= {v["state"] for v in state["elements"].values()}
    viewer = desk("admin")
    page = open_case(viewer, inst["id"])
    for element_id, value in state["elements"].items():
        expect(element(page, element_id)).to_have_class(_has(f"state-{value['state']}"))
    for flow_id in state["flows_taken"]:
        expect(element(page, flow_id)).to_have_class(_has("flow-taken"))
    assert_clean(viewer)

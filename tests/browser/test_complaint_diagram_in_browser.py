"""The product's complaint_handling diagram in bpmn-js (the console's definitions page): the steps
issue 9 added (rules 1.5, 1.7, 2.4, 2.8, 3.1, 3.5, 3.6, 3.7, 3.8, 4.1, 7.3) are drawn, and no two shapes
overlap (boundary events sit on their activity's border by design; lanes, the pool and the subprocess hold others)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot

pytestmark = pytest.mark.browser

ADDED = [
    "Gateway_RegistrationLevel",
    "Notify_RegisteredResponsible",
    "Notify_RegisteredInformed",
    "Gateway_LabNeeded",
    "Task_LabJudgement",
    "Timer_InvestigationReport",
    "Notify_InvestigationLate",
    "Gateway_ExtortionCheck",
    "Task_ExtortionReview",
    "Notify_LegalReferral",
    "Task_ExternalReview",
    "Timer_PromiseBreach",
    "Notify_PromiseLate",
    "Timer_QualityBreach",
    "Service_EscalateQuality",
    "Service_QualityCheck",
    "Gateway_Unprecedented",
    "Task_JudgeUnprecedented",
    "Service_ApplyJudgement",
    "Gateway_CrisisLevel",
    "Service_StartCrisis",
    "Gateway_AttitudeComplaint",
    "Service_StartAttitudeCrisis",
    "Script_TransportAllowance",
    "Service_BatchCheck",
    "Gateway_HandoverNeeded",
    "Task_AcknowledgeHandover",
    "Timer_HandoverLate",
    "Notify_HandoverLate",
    "Gateway_MergeHandover",
    "Notify_TerminalReport",
    "Task_ApproveByGM",
]

# The drawn boxes of the flow nodes that must not overlap, in screen pixels.
BOXES = """() => [...document.querySelectorAll('#heatmap g.djs-shape[data-element-id]')]
  .map(g => ({id: g.dataset.elementId, r: g.querySelector('.djs-visual').getBoundingClientRect()}))
  .filter(s => !/^(Lane_|Participant_|SubProcess_|Timer_)/.test(s.id) && !s.id.endsWith('_label'))
  .map(s => ({id: s.id, x: s.r.x, y: s.r.y, w: s.r.width, h: s.r.height}))"""


def test_the_complaint_diagram_draws_the_added_steps_without_overlaps(desk: Callable[..., Desk]) -> None:
    analyst = desk("analyst")
    page = analyst.page
    page.goto(f"{analyst.base}/definitions?key=complaint_handling&version=1")
    expect(page.locator("#heatmap")).to_have_attribute("data-state", "ready")
    for element_id in ADDED:
        expect(page.locator(f'#heatmap g.djs-shape[data-element-id="{element_id}"]')).to_have_count(1)
    boxes = page.evaluate(BOXES)
    assert len(boxes) > 100
    overlapping = [
        (a["id"], b["id"])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    ]
    assert overlapping == []
    screenshot(page, "complaint-handling-diagram")
    assert analyst.errors == [], analyst.errors

"""The case page of a level-1 crisis in headless Chromium: bpmn-js draws ``crisis_response``
(lanes, DI of every element) with the case's markers, and the page says so in both languages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.desk import screenshot
from tests.browser.test_case_diagram import assert_clean, element, open_case
from tests.crisis_steps import DAY, Crisis

HOUR = 3600

pytestmark = pytest.mark.browser


def _has(css_class: str) -> re.Pattern[str]:
    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")


def test_the_diagram_of_a_level_1_crisis_during_implementation(login: Any, desk: Any) -> None:
    crisis = Crisis(login, {"media_attention": True})
    crisis.complete_all("Task_FormTaskForce", "Task_Investigate", "Task_DesignSolution", "Task_ApologiseNegotiate")
    crisis.advance(DAY + HOUR)  # the first daily progress report
    supervisor = desk("supervisor")
    page = open_case(supervisor, crisis.id)
    expect(element(page, "Task_Implement")).to_have_class(_has("state-active"))
    expect(element(page, "Task_ProgressReport")).to_have_class(_has("state-active"))
    expect(element(page, "Task_MediaStatement")).to_have_class(_has("state-active"))
    expect(element(page, "Timer_ProgressReport")).to_have_class(_has("state-waiting"))
    for done in ("Notify_Leadership", "Task_FormTaskForce", "Task_Investigate", "Task_ApologiseNegotiate"):
        expect(element(page, done)).to_have_class(_has("state-completed"))
    expect(element(page, "Task_RoutineHandling")).not_to_have_class(_has("state-"))
    for lane in ("Lane_Leadership", "Lane_TaskForce", "Lane_PrLegal"):
        expect(element(page, lane)).to_have_count(1)
    page.click("#diagram-fit")
    screenshot(page, "crisis-diagram")
    assert_clean(supervisor)

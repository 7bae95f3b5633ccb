"""In Chromium, as HR: a grievance filed by an employee is in HR's inbox; HR forwards it from the
task page; the case page draws the grievance's diagram and its history shows who read it (rules
6.1, 6.3). A customer-service supervisor who types the case's address gets the not-found page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.desk import screenshot
from tests.browser.test_case_diagram import CSP_WATCH, element
from tests.grievance.conftest import FILING, PROCESS

pytestmark = pytest.mark.browser


def test_rule_6_1_hr_forwards_a_grievance_and_sees_who_read_it(login: Any, desk: Any) -> None:
    filed = login("sales").post("/process-instances", json={"process_key": PROCESS, "variables": FILING}, expect=201)
    hr = desk("hr", locale="en-US")
    page = hr.page
    page.add_init_script(CSP_WATCH)
    page.goto(f"{hr.base}/?lang=en")
    row = page.locator("tr", has_text=filed["business_key"]).filter(has_text="Answer or forward")
    row.locator("a.task-link").click()
    expect(page.locator("h1")).to_contain_text("Answer or forward")
    page.check("#f-decision input[value=forward]")
    page.fill("#f-handler", "production")
    screenshot(page, "grievance-hr-task")
    page.click("form.schema-form button[type=submit]")
    expect(page.locator("#instance-status")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/instances/{filed['id']}$"))
    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "true")
    expect(element(page, "Task_DepartmentReply")).to_have_class(re.compile(r"\bstate-active\b"))
    expect(element(page, "Task_Acknowledge")).to_have_class(re.compile(r"\bstate-completed\b"))
    reads = page.locator("tr.event-confidential_read")
    expect(reads.first).to_contain_text("Read (confidential case)")
    expect(reads.filter(has_text="hr").filter(has_text="opened a task")).not_to_have_count(0)
    screenshot(page, "grievance-hr-case")
    assert hr.errors == [] and page.evaluate("window.cspViolations") == []

    supervisor = desk("supervisor", locale="en-US")
    response = supervisor.page.goto(f"{supervisor.base}/instances/{filed['id']}")
    assert response is not None and response.status == 404
    expect(supervisor.page.locator("body")).not_to_contain_text(filed["business_key"])
    supervisor.page.goto(f"{supervisor.base}/instances")
    expect(supervisor.page.locator("body")).not_to_contain_text(filed["business_key"])

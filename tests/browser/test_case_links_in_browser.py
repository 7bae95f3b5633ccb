"""A complaint whose customer complained about staff attitude, in headless Chromium: the case page
shows the crisis it started and the crisis's page shows the complaint, each a working link
(rules 3.6, 4.1)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.desk import screenshot
from tests.browser.test_case_diagram import assert_clean, open_case
from tests.scenario.conftest import ComplaintRun
from tests.scenario.test_complaint_attitude import ATTITUDE, crisis_links

pytestmark = pytest.mark.browser


def test_rule_3_6_the_complaint_page_links_to_its_crisis_and_back(login: Any, desk: Any) -> None:
    run = ComplaintRun(login, overrides={"Task_FollowUpVisit": ATTITUDE})
    run.complete(run.drive(until="Task_FollowUpVisit"))
    [link] = crisis_links(run)
    supervisor = desk("supervisor", locale="en-US")
    page = open_case(supervisor, run.instance_id or 0)
    section = page.locator("section.case-links")
    expect(section.locator("#attitude-complaint")).to_contain_text("staff attitude")
    crisis = section.locator('li.case-link[data-role="crisis"]')
    expect(crisis).to_contain_text("Crisis started:")
    expect(crisis).to_contain_text(link["business_key"])
    screenshot(page, "complaint-case-links")
    crisis.locator("a").click()
    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "true")
    back = page.locator('section.case-links li.case-link[data-role="source"]')
    expect(back).to_contain_text(f"Started from complaint: {run.business_key}")
    screenshot(page, "crisis-case-links")
    assert_clean(supervisor)

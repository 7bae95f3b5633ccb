"""Rule 5.2 in Chromium: the appeal's investigation page shows who is excluded for a conflict of
interest and why; the excluded original handler finds it in no list and gets neither a claim
button nor the form; an investigator with no conflict has it in the inbox and can act."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.appeals.conftest import Appeal, handled_case
from tests.browser.desk import Desk, screenshot

pytestmark = pytest.mark.browser


def test_rule_5_2_exclusion_is_shown_on_the_task_page(login, desk: Callable[..., Desk]) -> None:
    case = handled_case(login)
    appeal = Appeal(login, original_registration_number=case.business_key)
    appeal.complete("Task_AcceptAppeal")
    task = appeal.task("Task_InvestigateAppeal")

    quality = desk("quality")
    page = quality.page
    page.goto(f"{quality.base}/")
    expect(page.locator("tr", has_text=appeal.business_key)).to_have_count(0)  # not in the inbox
    page.goto(f"{quality.base}/tasks/{task['id']}")
    expect(page.locator("h1")).to_have_text("申诉调查")
    excluded = page.locator("section.exclusions li.exclusion[data-username=quality]")
    expect(excluded).to_contain_text("回避")
    expect(excluded).to_contain_text("赵品质 Zhao (quality)")
    expect(excluded).to_contain_text(f"办理过原投诉 {case.business_key}")
    expect(excluded).to_have_attribute("data-reason", "handled_original")
    expect(page.locator("section.exclusions li.exclusion[data-username=agent]")).to_contain_text("登记了原投诉")
    expect(page.locator("p.notice.conflict")).to_contain_text("您须回避")
    expect(page.locator("form.schema-form")).to_have_count(0)
    expect(page.locator("form[action$='/claim']")).to_have_count(0)
    screenshot(page, "appeal-investigation-excluded-handler")
    assert quality.errors == []

    investigator = desk("investigator", locale="en-US")
    page = investigator.open_task(appeal.business_key, "Investigate the appeal")
    expect(page.locator("section.exclusions h2")).to_have_text("Conflict of interest (excluded)")
    expect(page.locator("section.exclusions li.exclusion[data-username=quality]")).to_contain_text(
        f"handled the original case {case.business_key}"
    )
    expect(page.locator("form.schema-form")).to_have_count(1)
    screenshot(page, "appeal-investigation-investigator")
    assert investigator.errors == []


def test_rule_5_2_case_page_shows_the_exclusions_and_the_appeal_diagram(login, desk: Callable[..., Desk]) -> None:
    case = handled_case(login)
    appeal = Appeal(login, original_registration_number=case.business_key)
    appeal.complete("Task_AcceptAppeal")

    admin = desk("admin")
    page = admin.page
    page.goto(f"{admin.base}/instances/{appeal.id}")
    expect(page.locator("#case-diagram")).to_have_attribute("data-ready", "true")
    investigation = page.locator('#diagram-canvas g.djs-element[data-element-id="Task_InvestigateAppeal"]')
    expect(investigation).to_have_class(re.compile(r"\bstate-active\b"))
    expect(page.locator('#diagram-canvas g.djs-element[data-element-id="Task_AcceptAppeal"]')).to_have_class(
        re.compile(r"\bstate-completed\b")
    )
    excluded = page.locator("section.exclusions li.exclusion")
    expect(excluded).to_have_count(3)  # who registered, classified and investigated the complaint
    expect(page.locator("section.exclusions li.exclusion[data-username=quality]")).to_contain_text(
        f"办理过原投诉 {case.business_key}"
    )
    expect(page.locator("select option[value=quality]")).to_have_count(0)  # not offered for reassigning
    expect(page.locator("select option[value=investigator]").first).to_be_attached()
    screenshot(page, "appeal-case-page-exclusions")
    assert admin.errors == []

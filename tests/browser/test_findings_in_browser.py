"""Rule 7.4 in headless Chromium: an employee's "My responsibility findings" page lists the
findings with their state, takes an appeal and then shows it as appealed, in both languages
(nothing refused by the CSP); a screenshot of each language is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.accountability.conftest import add_finding, clock_now
from tests.browser.desk import Desk, screenshot

pytestmark = pytest.mark.browser


def test_my_findings_page_shows_the_findings_and_takes_an_appeal(desk: Callable[..., Desk], rt, login) -> None:
    now = clock_now(login)
    appealable = add_finding(rt, now, "sales", store="朝阳门店")
    add_finding(rt, now, "sales", store="海淀门店", valid=False, patient=True, status="overturned")
    sales = desk("sales", width=1200)
    page = sales.page
    page.goto(f"{sales.base}/findings?lang=en")
    expect(page.locator("h1")).to_have_text("My responsibility findings")
    expect(page.locator("#nav-findings")).to_have_attribute("aria-current", "page")
    expect(page.locator("#findings tbody tr")).to_have_count(2)
    row = page.locator(f"tr[data-finding='{appealable}']")
    expect(row).to_contain_text("Valid complaint")
    expect(row.locator(".finding-status")).to_have_text("Counts")
    expect(page.locator("tr[data-status='overturned'] .finding-status")).to_have_text("Overturned: does not count")
    screenshot(page, "findings-en")
    row.locator("textarea[name=appeal_reason]").fill("客户投诉的是物流延误")
    row.locator("button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("supervision and evaluation group")
    expect(page.locator(f"tr[data-finding='{appealable}']")).to_have_attribute("data-status", "appealed")
    expect(page.locator(f"tr[data-finding='{appealable}'] textarea")).to_have_count(0)
    page.goto(f"{sales.base}/findings?lang=zh")
    expect(page.locator("h1")).to_have_text("我的责任认定")
    expect(page.locator(f"tr[data-finding='{appealable}'] .finding-status")).to_contain_text("已申诉")
    screenshot(page, "findings-zh")
    assert sales.errors == []

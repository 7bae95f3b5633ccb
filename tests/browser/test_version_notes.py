"""Deploy notes on the definitions page in headless Chromium: an admin sees each version's note
next to who deployed it, and version 2's diagram is drawn."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.bundles import deploy_bundle, review_form
from tests.console_helpers import stats_diagram, with_layout

pytestmark = pytest.mark.browser


def test_an_admin_sees_each_versions_deploy_note(login: Any, desk: Callable[..., Desk]) -> None:
    analyst = login("analyst")
    deploy_bundle(analyst, [("br_note.bpmn", with_layout(stats_diagram("br_note"), "br_note"))], note="first cut")
    second = with_layout(stats_diagram("br_note", script="total = amount + 2"), "br_note")
    deploy_bundle(
        analyst,
        [("br_note.bpmn", second), ("forms/test_first.json", review_form("Amount check"))],
        note="the total counts the fee; the first form asks for a decision",
    )
    admin = desk("admin")
    page = admin.page
    admin.errors.clear()  # the login page's missing favicon
    page.goto(f"{admin.base}/definitions?key=br_note&version=2")
    expect(page.locator("table.definitions th", has_text="备注")).to_have_count(1)
    v2 = page.locator('tr[data-key="br_note"][data-version="2"]')
    expect(v2.locator("td.deploy-note")).to_have_text("the total counts the fee; the first form asks for a decision")
    expect(v2).to_contain_text("analyst")
    v1 = page.locator('tr[data-key="br_note"][data-version="1"]')
    expect(v1.locator("td.deploy-note")).to_have_text("first cut")
    expect(page.locator("#heatmap")).to_have_attribute("data-state", "ready")
    screenshot(page, "definitions-deploy-notes")
    assert admin.errors == [], admin.errors

"""The diff page in headless Chromium for a diagram with two pools: the message flows and the pool
that changed are marked on the diagrams like any other element."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.browser.test_versions_in_browser import marked
from tests.pools import before_and_after

pytestmark = pytest.mark.browser


def test_message_flows_and_pools_are_marked_on_both_diagrams(login: Any, desk: Callable[..., Desk]) -> None:
    key = f"br_pools_{secrets.token_hex(3)}"
    analyst_api = login("analyst")
    for xml in before_and_after(key):
        analyst_api.deploy(xml)
    analyst = desk("analyst", locale="en-US")
    page = analyst.page
    analyst.errors.clear()  # the login page's missing favicon
    page.goto(f"{analyst.base}/definitions/{key}/diff/1/2?lang=en")
    expect(page.locator("#version-diff")).to_have_attribute("data-state", "ready")
    expect(marked(page, "b", "mf_result")).to_have_class(re.compile(r"\bdiff-added\b"))
    expect(marked(page, "a", "mf_answer")).to_have_class(re.compile(r"\bdiff-removed\b"))
    for side in ("a", "b"):
        expect(marked(page, side, "mf_letter")).to_have_class(re.compile(r"\bdiff-changed\b"))
        expect(marked(page, side, "p_customer")).to_have_class(re.compile(r"\bdiff-changed\b"))
        expect(marked(page, side, "p_company")).not_to_have_class(re.compile(r"\bdiff-"))
    page.locator('.diff-row[data-element="mf_letter"]').click()
    for side in ("a", "b"):
        expect(marked(page, side, "mf_letter")).to_have_class(re.compile(r"\bdiff-focus\b"))
    screenshot(page, "definition-diff-pools")
    assert analyst.errors == [], analyst.errors

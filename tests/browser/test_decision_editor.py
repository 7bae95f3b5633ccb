"""The decision-table editor in headless Chromium: dmn-js opens the authority table a version owns,
and in a draft an analyst changes a limit (500 -> 800) in the table and saves it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.browser.modeler_kit import dmn_js_notice

pytestmark = pytest.mark.browser

TABLE = "approval_authority.dmn"


def test_an_analyst_changes_the_authority_table_in_a_draft(login: Any, desk: Callable[..., Desk]) -> None:
    api = login("analyst")
    draft = api.post("/drafts", json={"from": {"process_key": "complaint_handling", "version": 1}}, expect=201)
    assert TABLE in draft["files"]
    analyst = desk("analyst")
    page = analyst.page

    # the deployed version's table, read only
    page.goto(f"{analyst.base}/workbench/decisions/edit?key=complaint_handling&version=1&name={TABLE}")
    expect(page.locator("#decision-editor[data-loaded=true]")).to_be_attached()
    expect(page.locator("#decision-views button")).to_have_text(["审批权限 Approval authority"])
    expect(page.locator('[data-element-id="OutputEntry_Managers_2"]')).to_have_text("500")
    expect(page.locator("#save-table")).to_have_count(0)

    # the draft's copy, changed and saved
    page.goto(f"{analyst.base}/workbench/decisions/edit?draft={draft['id']}&name={TABLE}")
    expect(page.locator("#decision-editor[data-loaded=true]")).to_be_attached()
    for entry, text in (("OutputEntry_Managers_2", "800"), ("InputEntry_Managers_1", "0 <= ? <= 800")):
        cell = page.locator(f'[data-element-id="{entry}"] [contenteditable]')
        cell.click()
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
    page.locator("#decision-views").click()  # leave the cell
    page.click("#save-table")
    expect(page.locator("#table-status")).to_have_text("已保存到草稿。")
    screenshot(page, "decision-editor")
    saved = api.client.get(f"/api/v1/drafts/{draft['id']}/files/{TABLE}", headers=api.headers).get_data(as_text=True)
    assert "<text>800</text>" in saved and "0 &lt;= ? &lt;= 800" in saved
    assert [e for e in analyst.errors if not dmn_js_notice(e)] == []
    api.call("DELETE", f"/drafts/{draft['id']}", expect=204)

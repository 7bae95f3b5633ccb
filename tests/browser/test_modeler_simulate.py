"""The modeler's "Simulate this draft" (issue 8 §5) and its timer preview in the page's language,
in Chromium: the analyst simulates the draft on the page and lands on the run's page, a broken draft
is refused on the status line naming its element, and a timer typo is explained in Chinese (or
English on an English page)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.desk import Desk, screenshot
from tests.browser.modeler_kit import open_modeler, upload

pytestmark = pytest.mark.browser

COMPLAINT = "complaint_handling"
TYPO = Path(__file__).parent / "diagrams" / "reminder_typo.bpmn"


def complaint_draft(login: Any) -> int:
    """A new draft of the analyst's from the latest complaint version; its id."""
    analyst = login("analyst")
    version = max(d["version"] for d in analyst.get("/process-definitions", expect=200) if d["key"] == COMPLAINT)
    return int(analyst.post("/drafts", json={"from": {"process_key": COMPLAINT, "version": version}}, expect=201)["id"])


def open_draft(desk: Desk, draft_id: int) -> Page:
    page = desk.page
    page.goto(f"{desk.base}/workbench/drafts/{draft_id}")
    expect(page.locator("#modeler-canvas")).to_have_attribute("data-import-state", "done")
    return page


def test_simulate_this_draft_saves_it_and_opens_the_run_page(desk: Any, login: Any) -> None:
    draft_id = complaint_draft(login)
    analyst = desk("analyst")
    page = open_draft(analyst, draft_id)
    button = page.locator("#modeler-simulate")
    expect(button).to_have_text("模拟此草稿")
    button.click()
    expect(page).to_have_url(re.compile(r"/simulations/\d+$"))
    expect(page.locator("#sim-diagram")).to_have_attribute("data-ready", "true")
    confirm = page.locator('#diagram-canvas g.djs-element[data-element-id="Task_ConfirmRecord"]')
    expect(confirm).to_have_class(re.compile(r"(^|\s)state-active(\s|$)"))
    expect(page.locator("#task-Task_ConfirmRecord")).to_be_visible()
    run_id = int(page.url.rsplit("/", 1)[-1])
    run = login("analyst").get(f"/simulations/{run_id}", expect=200)
    assert run["draft_id"] == draft_id and run["process_key"] == COMPLAINT and run["version"] is None
    screenshot(page, "modeler-simulated-draft")
    assert analyst.errors == []


def test_only_a_draft_has_the_button(desk: Any) -> None:
    analyst = desk("analyst")
    page = open_modeler(analyst, f"?key={COMPLAINT}&version=1")  # a version is simulated from its own page
    expect(page.locator("#modeler-save")).to_be_visible()
    expect(page.locator("#modeler-simulate")).to_have_count(0)
    open_modeler(analyst)
    expect(page.locator("#modeler-simulate")).to_have_count(0)
    assert analyst.errors == []


def test_a_draft_that_cannot_run_is_refused_on_the_status_line(desk: Any, login: Any) -> None:
    draft_id = complaint_draft(login)
    analyst = desk("analyst")
    page = open_draft(analyst, draft_id)
    upload(page, TYPO)
    page.click("#modeler-simulate")
    status = page.locator("#modeler-status")
    expect(status).to_have_attribute("data-state", "error")
    expect(status).to_contain_text("未启动模拟运行：")  # noqa: RUF001  (the Chinese colon)
    expect(status).to_contain_text("Timer_Reminder")
    expect(page).to_have_url(re.compile(rf"/workbench/drafts/{draft_id}$"))
    assert login("analyst").get("/simulations", expect=200)["items"] == []
    screenshot(page, "modeler-simulate-refused")
    assert [e for e in analyst.errors if "422" not in e] == []


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("", "'PT12HH' 不是有效的 ISO 8601 时长、日期或周期"),
        ("?lang=en", "'PT12HH' is not a valid ISO 8601 duration, date or cycle"),
    ],
)
def test_a_timer_typo_is_explained_in_the_pages_language(desk: Any, query: str, says: str) -> None:
    analyst = desk("analyst")
    page = open_modeler(analyst, query)
    upload(page, TYPO)
    page.locator("#modeler-canvas").click(position={"x": 5, "y": 5})
    page.locator('.djs-element[data-element-id="Timer_Reminder"]').click()
    preview = page.locator('[data-entry-id="product-timer-preview"] .timer-preview-text')
    expect(preview).to_have_class("timer-preview-text invalid")
    expect(preview).to_contain_text(says)
    screenshot(page, f"modeler-timer-typo-{'en' if query else 'zh'}")
    assert analyst.errors == []

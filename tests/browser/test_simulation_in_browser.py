"""A simulation run in headless Chromium: an analyst simulates a complaint received on a Friday
afternoon, jumps the run's clock to Monday 09:00 across the weekend and sees the contact timers
fire on the diagram and in the log, while the server's clock stays where it was."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.desk import Desk, screenshot

pytestmark = pytest.mark.browser

COMPLAINT = "complaint_handling"
CSP_WATCH = (
    "window.cspViolations = [];"
    "document.addEventListener('securitypolicyviolation',"
    " (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
)


def element(page: Page, element_id: str) -> Any:
    return page.locator(f'#diagram-canvas g.djs-element[data-element-id="{element_id}"]')


def note(page: Page, element_id: str, kind: str) -> Any:
    return page.locator(f'.djs-overlays[data-container-id="{element_id}"] .case-note.{kind}')


def has(cls: str) -> Any:
    return re.compile(rf"(^|\s){re.escape(cls)}(\s|$)")


def drawn(page: Page) -> None:
    expect(page.locator("#sim-diagram")).to_have_attribute("data-ready", "true")


def server_now(login: Any) -> datetime:
    return datetime.fromisoformat(login("admin").get("/admin/clock", expect=200)["now"])


def test_a_complaint_across_the_weekend_on_the_runs_own_clock(login: Any, desk: Any) -> None:
    versions = [d["version"] for d in login("analyst").get("/process-definitions", expect=200) if d["key"] == COMPLAINT]
    analyst: Desk = desk("analyst")
    page = analyst.page
    page.add_init_script(CSP_WATCH)
    page.goto(f"{analyst.base}/definitions?key={COMPLAINT}&version={versions[0]}")
    page.fill("#simulate-start-at", "2026-12-04T15:00")  # a Friday afternoon
    page.click("#simulate-at button[type=submit]")
    expect(page).to_have_url(re.compile(r"/simulations/\d+$"))
    drawn(page)
    expect(page.locator("#virtual-now")).to_have_text("2026-12-04 15:00")
    expect(element(page, "Task_ConfirmRecord")).to_have_class(has("state-active"))
    expect(element(page, "Timer_ContactReminder")).to_have_class(has("state-waiting"))
    expect(note(page, "Timer_ContactReminder", "due")).to_contain_text("到期 2026-12-05 00:00")
    expect(page.locator("#task-Task_ConfirmRecord")).to_be_visible()
    expect(
        page.locator(
            '#task-Task_ConfirmRecord select[name="acceptance_decision"], '
            '#task-Task_ConfirmRecord input[name="acceptance_decision"][value="accepted"]'
        ).first
    ).to_be_visible()
    screenshot(page, "simulation-friday")

    before = server_now(login)
    page.click("#clock-monday")
    drawn(page)
    expect(page.locator("#virtual-now")).to_have_text("2026-12-07 09:00")
    # the contact timers fired on Saturday, in the run: on the diagram and in the log
    expect(element(page, "Timer_ContactReminder")).to_have_class(has("state-completed"))
    expect(note(page, "Timer_ContactReminder", "fired")).to_contain_text("已触发 2026-12-05 00:00")
    expect(element(page, "Timer_ContactBreach")).to_have_class(has("state-completed"))
    expect(element(page, "Task_ConfirmRecord")).to_have_class(has("state-cancelled"))
    expect(element(page, "Task_ContactSecondary")).to_have_class(has("state-active"))
    assert page.locator("#diagram-canvas g.djs-connection.flow-taken").count() >= 2
    fired = page.locator("#sim-log tr.log-timer_fired")
    expect(fired.filter(has_text="Timer_ContactReminder")).to_have_count(1)
    expect(fired.filter(has_text="Timer_ContactReminder")).to_contain_text("2026-12-05 00:00")
    expect(page.locator("#sim-log tr.log-would_notify").first).to_be_visible()
    after = server_now(login)
    assert (after - before).total_seconds() < 600  # the server's clock did not jump three days
    screenshot(page, "simulation-monday")

    # answer the task now open with its prefilled sample answer
    page.click("#task-Task_ContactSecondary button[type=submit]")
    drawn(page)
    expect(element(page, "Task_ContactSecondary")).to_have_class(has("state-completed"))
    expect(page.locator("#sim-log tr.log-task_completed").first).to_contain_text("Task_ContactSecondary")

    page.goto(page.url + "?lang=en")
    drawn(page)
    expect(page.locator("#virtual-clock h2")).to_have_text("Virtual clock")
    expect(page.locator("#clock-working-hours")).to_have_text("+24 working hours")
    screenshot(page, "simulation-en")
    assert analyst.errors == []
    assert page.evaluate("window.cspViolations") == []


def test_the_run_page_reads_without_javascript(login: Any, browser: Any, server_url: str) -> None:
    run = login("analyst").post("/simulations", json={"process_key": COMPLAINT}, expect=201)
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{server_url}/login")
    page.fill("#username", "analyst")
    page.fill("#password", "analyst")
    page.click("button[type=submit].primary")
    page.goto(f"{server_url}/simulations/{run['id']}")
    expect(page.locator("#diagram-note")).to_be_visible()
    expect(page.locator("#sim-timers")).to_contain_text("Timer_ContactReminder")
    page.click("#clock-hour")  # a plain form: works without scripts too
    expect(page.locator("#sim-log tr.log-clock_moved")).to_have_count(1)
    context.close()

"""An admin acts on a case in headless Chromium: reassigns its task, fires its timer, edits a
variable, terminates it with a reason; then moves the header's simulated clock an hour and sees
the timer that fired. Each step is checked on what the page shows."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.timers.diagrams import boundary

pytestmark = pytest.mark.browser


def _page_errors(desk: Desk) -> list[str]:
    """What the page reported broken (scripts, CSP refusals); a refused action's own 4xx answer
    (and Chromium's /favicon.ico probe) log "Failed to load resource", which is not a fault."""
    return [e for e in desk.errors if not e.startswith("Failed to load resource")]


def _start(login, key: str) -> int:
    return int(login("agent").post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)["id"])


def test_admin_reassigns_fires_edits_and_terminates(login, desk: Callable[..., Desk], server_url: str) -> None:
    login("analyst").deploy(boundary("br_admin", "PT24H", interrupting=True))
    case = _start(login, "br_admin")
    admin = desk("admin")
    page = admin.page
    page.goto(f"{server_url}/instances/{case}")
    console = page.locator("#admin-console")
    expect(console).to_be_visible()
    # only people who may act on the task are offered: the agents' group, not quality
    options = page.locator("#assign-user-1 option")
    expect(options.filter(has_text="agent2")).to_have_count(1)
    expect(options.filter(has_text="(quality)")).to_have_count(0)
    screenshot(page, "admin-console")

    # reassign
    page.select_option("#assign-user-1", "agent2")
    page.fill("#assign-reason-1", "王客服休假")
    page.click("#admin-assign button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("agent2")
    expect(page.locator("ul.tasks li")).to_contain_text("agent2")
    expect(page.locator("tr[data-type=task_assigned]")).to_have_count(1)

    # fire the waiting timer now: its path runs (the escalation task appears, the timer is gone)
    expect(page.locator("li.timer[data-element=late]")).to_have_count(1)
    page.click("form.fire-timer[data-element=late] button")
    expect(page.locator(".flash-success")).to_contain_text("已触发")
    expect(page.locator("ul.tasks li")).to_contain_text("Escalated")
    expect(page.locator("li.timer[data-element=late]")).to_have_count(0)
    expect(page.locator("tr[data-type=timer_fired_by_admin]")).to_have_count(1)

    # edit a variable
    page.fill("#var-name", "priority")
    page.fill("#var-value", '{"level": 2}')
    page.fill("#var-reason", "经理要求")
    page.click("form.edit-variable button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("priority")
    expect(page.locator("details.raw pre")).to_contain_text('"priority"')
    expect(page.locator("tr[data-type=variables_edited]")).to_have_count(1)

    # terminate: refused without the confirmation (in red), then done with it
    page.fill("#terminate-reason", "重复投诉")
    page.evaluate("document.querySelector('#terminate-confirm').required = false")  # what a no-JS client could send
    page.click("form.terminate button[type=submit]")
    expect(page.locator(".flash-error")).to_contain_text("我确认")
    expect(page.locator("#instance-status")).to_have_attribute("data-status", "running")
    page.fill("#terminate-reason", "重复投诉")
    page.check("#terminate-confirm")
    page.click("form.terminate button[type=submit]")
    expect(page.locator("#instance-status")).to_have_attribute("data-status", "terminated")
    expect(page.locator("tr[data-type=instance_terminated]")).to_have_count(1)
    expect(page.locator("#admin-terminate")).to_have_count(0)
    screenshot(page, "admin-case-terminated")
    assert _page_errors(admin) == []


def test_header_clock_plus_one_hour_lists_the_fired_timer(login, desk: Callable[..., Desk], server_url: str) -> None:
    login("analyst").deploy(boundary("br_clock", "PT50M", interrupting=True))
    case = _start(login, "br_clock")
    admin = desk("admin")
    page = admin.page
    page.goto(f"{server_url}/instances/{case}")
    expect(page.locator("#clock-controls")).to_be_visible()
    page.click("#clock-hour")
    expect(page.locator("#clock-moved")).to_be_visible()
    row = page.locator(f"tr[data-instance='{case}'][data-element=late]")
    expect(row).to_contain_text("Reply late")
    screenshot(page, "admin-clock-moved")
    row.locator("a").click()
    expect(page.locator("ul.tasks li")).to_contain_text("Escalated")
    assert _page_errors(admin) == []
    agent = desk("agent")
    expect(agent.page.locator("#clock-controls")).to_have_count(0)

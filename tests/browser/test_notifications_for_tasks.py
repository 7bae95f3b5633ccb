"""In Chromium: a task that reaches the managers' group shows in the manager's bell; the
notification reads in the manager's language, says when (relative and absolute) and opens the task."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.diagrams import two_step

pytestmark = pytest.mark.browser


def test_a_task_reaching_the_managers_group_is_in_the_managers_bell(login, desk: Callable[..., Desk]) -> None:
    login("analyst").deploy(two_step("bt_to_managers", lane="cs_agents", second_lane="managers"))
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "bt_to_managers"}, expect=201)
    [first] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{first['id']}/complete", json={"data": {}}, expect=200)
    [approval] = login("manager").get(f"/tasks?instance_id={inst['id']}", expect=200)

    manager = desk("manager")
    page = manager.page
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    bell = page.locator("#notification-bell")
    expect(bell).to_have_attribute("data-unread", "1")
    expect(page.locator("#unread-count")).to_have_text("1")
    bell.click()
    item = page.locator("li.notification.kind-task.unread")
    expect(item).to_have_count(1)
    expect(item.locator(".kind")).to_have_text("任务")
    expect(item.locator(".title")).to_have_text(f"新任务“Second step”（{inst['business_key']}）")  # noqa: RUF001
    when = item.locator("time.when")
    expect(when).to_have_text("刚刚")
    expect(when).to_have_attribute("title", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$"))
    expect(item.locator(".absolute")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d$"))
    screenshot(page, "notifications-for-tasks")

    page.click("text=English")
    expect(item.locator(".title")).to_have_text(f"New task “Second step” ({inst['business_key']})")
    expect(item.locator("time.when")).to_have_text("just now")
    item.locator("a.task-link").click()
    expect(page).to_have_url(re.compile(rf"/tasks/{approval['id']}$"))
    expect(page.locator("h1")).to_have_text("Second step")
    # nothing broke on the way (the browser's own favicon request is the only miss allowed)
    assert [e for e in manager.errors if not e.startswith("Failed to load resource")] == []
    assert [url for url in missing if not url.endswith("/favicon.ico")] == []

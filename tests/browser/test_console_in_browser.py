"""The console's overview pages in headless Chromium: the definitions page's heat map drawn by
bpmn-js (read from its overlays and markers), the admin dashboard and the incidents page with a
retry that fails again (a red flash) and one that succeeds (a green one)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.console_helpers import UPSTREAM_DOWN, Upstream, failing_case, registry_lookup, stats_diagram, with_layout

pytestmark = pytest.mark.browser

RED = "rgb(180, 35, 24)"  # --danger in style.css


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    yield from registry_lookup()


def start(api: Any, key: str) -> dict[str, Any]:
    return dict(api.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201))


def test_definitions_page_draws_the_heat_map_with_live_counts(login: Any, desk: Callable[..., Desk]) -> None:
    analyst, agent = login("analyst"), login("agent")
    analyst.deploy(with_layout(stats_diagram("br_heat"), "br_heat"))
    for _ in range(2):
        start(agent, "br_heat")
    failing = start(agent, "br_heat")
    [task] = agent.get(f"/tasks?instance_id={failing['id']}", expect=200)
    agent.post(f"/tasks/{task['id']}/complete", json={"data": {"amount": "x"}}, expect=200)

    analyst_desk = desk("analyst")
    page = analyst_desk.page
    assert page.url.endswith("/workbench")  # analysts land on their workbench
    analyst_desk.errors.clear()  # the login page's missing favicon
    page.goto(f"{analyst_desk.base}/definitions?key=br_heat&version=1")
    expect(page.locator("#heatmap")).to_have_attribute("data-state", "ready")
    first = page.locator('.djs-overlays[data-container-id="first"] .heat-badge.heat-active')
    expect(first).to_have_text("2")
    expect(page.locator('.djs-overlays[data-container-id="remind"] .heat-badge.heat-active')).to_have_text("2")
    failed = page.locator('.djs-overlays[data-container-id="script"] .heat-badge.heat-failed')
    expect(failed).to_have_text("1")
    assert failed.evaluate("e => getComputedStyle(e).backgroundColor") == RED
    expect(page.locator('g.djs-element[data-element-id="first"]')).to_have_class(re.compile(r"\bheat-high\b"))
    expect(page.locator('g.djs-element[data-element-id="script"]')).to_have_class(re.compile(r"\bheat-failed\b"))
    expect(page.locator('.djs-overlays[data-container-id="second"] .heat-badge')).to_have_count(0)
    expect(
        page.locator('a.xml-download[href="/api/v1/process-definitions/br_heat/versions/1/xml"]').first
    ).to_be_visible()
    screenshot(page, "definitions-heatmap")
    assert analyst_desk.errors == [], analyst_desk.errors

    page.goto(f"{analyst_desk.base}/definitions?key=complaint_handling&version=1")  # the product's own diagram
    expect(page.locator("#heatmap")).to_have_attribute("data-state", "ready")
    expect(page.locator("g.djs-shape")).not_to_have_count(0)
    assert page.locator("g.djs-shape").count() > 20
    assert analyst_desk.errors == [], analyst_desk.errors

    analyst.deploy(stats_diagram("br_no_layout"))  # no BPMN DI: nothing to draw, the counts still listed
    page.goto(f"{analyst_desk.base}/definitions?key=br_no_layout&version=1")
    expect(page.locator("#heatmap")).to_have_attribute("data-state", "failed")
    expect(page.locator(".heatmap-message")).to_contain_text("BPMN DI")


def test_admin_dashboard_and_incidents_page_retry_in_red_then_green(
    login: Any, desk: Callable[..., Desk], upstream: Upstream
) -> None:
    inst = failing_case(login("admin"))
    admin = desk("admin")
    page = admin.page
    assert page.url.endswith("/dashboard")  # admins land on the dashboard
    admin.errors.clear()  # the login page's missing favicon
    expect(page.locator("#dash-incidents .figure")).to_have_text("1")
    expect(page.locator("#dash-incidents")).to_contain_text(inst["business_key"])
    screenshot(page, "admin-dashboard")

    page.click("#nav-incidents")
    row = page.locator(f'tr[data-instance-id="{inst["id"]}"]')
    expect(row.locator("td.element")).to_contain_text("Call")
    expect(row.locator("td.message")).to_contain_text(UPSTREAM_DOWN)
    screenshot(page, "incidents")

    row.locator("button.retry").click()
    flash = page.locator("main .flash")
    expect(flash).to_have_class("flash flash-error")
    expect(flash).to_contain_text("重试再次失败")
    expect(flash).to_contain_text(UPSTREAM_DOWN)
    assert flash.evaluate("e => getComputedStyle(e).color") == RED
    screenshot(page, "incidents-retry-failed")

    upstream.up = True
    page.locator(f'tr[data-instance-id="{inst["id"]}"] button.retry').click()
    expect(flash).to_have_class("flash flash-success")
    expect(flash).to_contain_text("已重试")
    expect(page.locator(f'tr[data-instance-id="{inst["id"]}"]')).to_have_count(0)
    assert admin.errors == [], admin.errors

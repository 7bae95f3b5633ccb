"""The reports page in headless Chromium: Chart.js draws every chart from the data island (no
inline script, nothing refused by the CSP), the tables beside them hold the same numbers, in both
languages; a screenshot of each language is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.reports.conftest import march_facts  # noqa: F401  (the hand-computed March 2025 complaints)

pytestmark = pytest.mark.browser

MARCH = "/reports?from=2025-03-01&to=2025-03-31&month=2025-03"
CHARTS = ("subject", "severity", "channel", "department", "month", "sla")


@pytest.mark.usefixtures("march_facts")
def test_reports_page_draws_its_charts_beside_the_tables(desk: Callable[..., Desk]) -> None:
    manager = desk("manager", width=1400)
    page = manager.page
    page.goto(f"{manager.base}{MARCH}&lang=en")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "true")
    for grouping in CHARTS:
        canvas = page.locator(f"canvas#chart-{grouping}")
        expect(canvas).to_have_attribute("data-drawn", "2")  # two series: received and overdue (met, missed)
        box = canvas.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
    expect(page.locator("#report-totals [data-figure=received]")).to_have_text("6")
    expect(page.locator("#report-totals [data-figure=on_time_rate]")).to_have_text("25.0%")
    expect(page.locator("#report-subject tr[data-key=product_quality] [data-figure=received]")).to_have_text("3")
    expect(page.locator("#report-sla tr[data-key=handling] [data-figure=missed]")).to_have_text("2")
    expect(page.locator("#report-overdue")).to_contain_text("TS-F4")
    expect(page.locator("#monthly-xlsx")).to_have_attribute("href", "/reports/monthly.xlsx?month=2025-03")
    expect(page.locator("#nav-reports")).to_have_attribute("aria-current", "page")
    screenshot(page, "reports-en")
    assert manager.errors == []

    page.goto(f"{manager.base}{MARCH}&department=quality&lang=zh")
    expect(page.locator("h1")).to_have_text("统计报表")
    expect(page.locator("canvas#chart-subject")).to_have_attribute("data-drawn", "2")
    expect(page.locator("#report-subject tbody tr")).to_have_count(1)
    expect(page.locator("#report-subject tbody tr")).to_contain_text("产品质量")
    screenshot(page, "reports-zh")
    assert manager.errors == []

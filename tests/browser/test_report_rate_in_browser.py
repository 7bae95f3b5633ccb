"""The reports page's new parts in headless Chromium (rule 8.1): the period presets step through
ISO weeks, an analyst uploads sales volumes on their page (and a bad row is named, nothing
saved), and the reports show the complaint rate; screenshots of each page are kept."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.reports.conftest import march_facts  # noqa: F401  (the hand-computed March 2025 complaints)

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("march_facts")
def test_presets_volumes_and_complaint_rate_in_the_browser(desk: Callable[..., Desk], tmp_path: Path) -> None:
    analyst = desk("analyst", width=1400)
    page = analyst.page
    page.goto(f"{analyst.base}/reports/sales-volumes?from=2025-01&to=2025-12&lang=en")
    bad = page.locator("#sales-volume-row form")
    bad.locator("input[name=month]").fill("2025-03")
    bad.locator("input[name=product]").fill("Milk")
    bad.locator("input[name=units]").evaluate("input => { input.removeAttribute('min'); input.value = '-5'; }")
    bad.locator("button[type=submit]").click()
    expect(page.locator("#sales-volume-error [data-field=units]")).to_contain_text("Row 1")
    assert len(analyst.errors) == 1 and "422" in analyst.errors[0]  # the refused row, as the page says
    analyst.errors.clear()
    volumes = tmp_path / "march.csv"
    volumes.write_text("month,product,units\n2025-03,Milk,20000\n2025-03,Yogurt,5000\n", encoding="utf-8")
    page.locator("#sales-volume-upload input[type=file]").set_input_files(str(volumes))
    page.locator("#sales-volume-upload button[type=submit]").click()
    expect(page.locator(".flash-success")).to_contain_text("2 sales volumes saved.")
    expect(page.locator('#sales-volume-list tr[data-key="2025-03/Milk"] [data-figure=units]')).to_have_text("20000")
    expect(page.locator("#nav-sales-volumes")).to_have_attribute("aria-current", "page")
    screenshot(page, "sales-volumes-en")
    assert analyst.errors == []

    manager = desk("manager", width=1400)
    page = manager.page
    page.goto(f"{manager.base}/reports?period=month&date=2025-03-12&lang=en")
    expect(page.locator("body")).to_have_attribute("data-charts-ready", "true")
    expect(page.locator("#report-totals [data-figure=complaint_rate]")).to_have_text("1.6")
    expect(page.locator('#report-complaint-rate tr[data-key="Yogurt"] [data-figure=per_10000_units]')).to_have_text(
        "2.0"
    )
    expect(page.locator("#report-presets a[data-preset=month]")).to_have_class("active")
    page.locator("#report-presets a[data-preset=week]").click()
    expect(page.locator("#report-period")).to_have_text("Complaints received from 2025-03-31 to 2025-04-06")
    page.locator("#report-presets a[data-step=previous]").click()
    expect(page.locator("#report-period")).to_have_text("Complaints received from 2025-03-24 to 2025-03-30")
    expect(page.locator("#report-totals [data-figure=received]")).to_have_text("0")
    screenshot(page, "reports-presets-en")
    page.goto(f"{manager.base}/reports?period=month&date=2025-03-12&lang=zh")
    expect(page.locator("#report-complaint-rate h2")).to_have_text("投诉率")
    screenshot(page, "reports-rate-zh")
    assert manager.errors == []

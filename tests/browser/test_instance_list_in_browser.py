"""The complaint list in headless Chromium: filter by severity and customer through the form,
switch status with a tab, and export the filtered list (a real download, checked byte by byte)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.services.instance_search import name_key
from tests.browser.desk import screenshot
from tests.task_rows import instance_rows

pytestmark = pytest.mark.browser


def _seed(rt) -> list[int]:
    people = [("张三", "13800000001"), ("张小明", "13900000002"), ("李四", "13800000003"), ("Zhang Wei", "01000000004")]
    rows = [
        {
            "severity_level": "B" if n % 2 == 0 else "D",
            "customer_name": people[n % 4][0],
            "customer_name_key": name_key(people[n % 4][0]),
            "customer_phone": people[n % 4][1],
            "status": "completed" if n % 3 == 0 else "running",
            "business_key": f"TS20261120-{n:06d}",
            "started_by": "agent",
        }
        for n in range(12)
    ]
    return instance_rows(rt, rows)


def test_filter_by_severity_and_customer_then_export(rt, desk, tmp_path: Path) -> None:
    ids = _seed(rt)
    supervisor = desk("supervisor")
    page = supervisor.page
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    supervisor.errors.clear()  # the login page's own (the browser asks for a /favicon.ico there)
    page.goto(f"{supervisor.base}/instances")
    form = page.locator("#instance-filters")
    form.locator("select[name=severity]").select_option("B")
    form.locator("input[name=customer]").fill("张")
    form.locator("button[type=submit]").click()
    hits = [n for n in range(12) if n % 2 == 0 and n % 4 in (0, 1)]  # B: even n; 张: n % 4 in (0, 1)
    expect(page.locator("#instances-count")).to_have_text(f"({len(hits)})")
    rows = page.locator("tr[data-instance-id]")
    expected = [ids[n] for n in hits][::-1]
    assert [int(i) for i in rows.evaluate_all("rs => rs.map(r => r.dataset.instanceId)")] == expected
    completed = sum(1 for n in hits if n % 3 == 0)
    expect(page.locator(".status-tabs a[data-status=completed] .count")).to_have_text(f"({completed})")
    expect(page.locator("#customer-hint")).to_contain_text("按开头查找")
    screenshot(page, "instance-list-filtered")

    page.locator(".status-tabs a[data-status=running]").click()
    expect(page.locator(".status-tabs a[aria-current=page]")).to_have_attribute("data-status", "running")
    expect(page.locator("select[name=severity]")).to_have_value("B")  # the tab kept the other filters
    running = [n for n in hits if n % 3]
    assert running and completed
    expect(rows).to_have_count(len(running))

    with page.expect_download() as info:
        page.locator("#export-csv").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    saved = tmp_path / "export.csv"
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert table[0][0] == "登记编号" and table[0][5] == "客户"
    keys = [f"TS20261120-{n:06d}" for n in running][::-1]
    assert [r[0] for r in table[1:]] == keys
    assert all(r[4] == "B" and r[5].startswith("张") and r[3] == "运行中" for r in table[1:])
    assert supervisor.errors == [], missing

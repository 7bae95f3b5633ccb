"""The workbench landing page in Chromium, as analyst: lands there, creates drafts three ways with the
page's plain forms (no script needed), downloads one, deletes one; both languages; screenshots."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.diagrams import two_step
from tests.workbench.drafts_kit import _no_drafts  # noqa: F401  (fixture: no drafts before and after)

pytestmark = pytest.mark.browser


def test_the_analyst_starts_drafts_on_the_workbench(desk: Callable[..., Desk], tmp_path: Path) -> None:
    analyst = desk("analyst")
    page = analyst.page
    assert page.url.endswith("/workbench")  # the analyst's landing page
    analyst.errors.clear()  # the login page's missing favicon
    expect(page.locator("#no-drafts")).to_be_visible()

    page.select_option("#new-from-version select[name=process_key]", "complaint_handling")
    page.click("#new-from-version button[type=submit]")
    expect(page.locator("table.drafts tbody tr")).to_have_count(1)
    expect(page.locator("table.drafts .draft-process")).to_have_text("complaint_handling")

    page.fill("#new-blank input[name=name]", "夜间回访 Night call-back")
    page.click("#new-blank button[type=submit]")
    expect(page.locator("p.flash-success")).to_contain_text("夜间回访 Night call-back")

    upload = tmp_path / "browser_upload.bpmn"
    upload.write_bytes(two_step("browser_upload"))
    page.set_input_files("#new-upload input[type=file]", str(upload))
    page.click("#new-upload button[type=submit]")
    names = page.locator("table.drafts .draft-name")
    expect(names).to_have_count(3)
    expect(names.first).to_have_text("browser_upload")
    expect(page.locator("table.drafts tbody tr").first.locator(".draft-base")).to_have_text("新建")
    screenshot(page, "workbench-zh")

    with page.expect_download() as download:
        page.locator("table.drafts tbody tr").first.locator("a.download-draft").click()
    assert download.value.suggested_filename == "browser_upload.bpmn"
    assert Path(download.value.path()).read_bytes() == two_step("browser_upload")

    page.locator("table.drafts tbody tr", has_text="夜间回访").locator("form.delete-draft button").click()
    expect(names).to_have_count(2)
    expect(page.locator("table.drafts")).not_to_contain_text("夜间回访")

    page.goto(f"{analyst.base}/workbench?lang=en")
    expect(page.locator("h1")).to_have_text("Workbench")
    expect(page.locator("#new-blank h2")).to_have_text("New blank diagram")
    open_link = page.locator("table.drafts tbody tr").first.locator("a.open-draft")
    expect(open_link).to_have_text("Open in modeler")
    assert (open_link.get_attribute("href") or "").startswith("/workbench/drafts/")
    screenshot(page, "workbench-en")
    assert analyst.errors == []

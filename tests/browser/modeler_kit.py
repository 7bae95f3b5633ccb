"""Browser-test kit for the analyst's modeler: open it, select an element, upload and download."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.desk import Desk

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"


def open_modeler(desk: Desk, query: str = "") -> Page:
    page = desk.page
    page.goto(f"{desk.base}/workbench/model{query}")
    expect(page.locator("#modeler-canvas")).to_have_attribute("data-import-state", "done")
    return page


def upload(page: Page, path: Path) -> None:
    """Open ``path`` through the toolbar's upload and wait until the modeler has imported it."""
    canvas = page.locator("#modeler-canvas")
    before = int(canvas.get_attribute("data-imports") or 0)
    page.set_input_files("#modeler-upload-file", str(path))
    expect(canvas).to_have_attribute("data-imports", str(before + 1))


def select(page: Page, element_id: str) -> None:
    """Select an element as a person would on a big diagram: Ctrl+F, its id, Enter."""
    page.locator("#modeler-canvas").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+f")
    page.locator(".djs-search-input input").press_sequentially(element_id)
    expect(page.locator(".djs-search-results .djs-search-result").first).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator(f'.djs-element.selected[data-element-id="{element_id}"]')).to_have_count(1)


def download(page: Page) -> bytes:
    with page.expect_download() as info:
        page.click("#modeler-download")
    return Path(info.value.path()).read_bytes()


def dmn_js_notice(error: str) -> bool:
    """What dmn-js's bundle says that is no fault of the page: Inferno's build notice, and the style
    attributes it writes in its markup, which our CSP (no inline style) refuses without harm."""
    return error.startswith("It looks like you're using a minified copy of the development build of Inferno") or (
        error.startswith("Applying inline style violates") and "style-src 'self'" in error
    )

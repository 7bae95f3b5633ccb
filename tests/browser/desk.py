"""Browser-test kit: Debian's Chromium under Playwright, one logged-in window per demo user, screenshots.

Fixtures built on it live in ``tests/browser/conftest.py`` (``server_url``, ``browser``, ``desk``).
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHROMIUM = "/usr/bin/chromium"  # Debian's package (make test installs it); never a Playwright download
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"  # kept after the run, gitignored
PATIENCE_MS = 60_000  # how long a click or an expectation may wait for the page: generous for a loaded machine
DATABASE = os.environ.get("TEST_DATABASE_URL", "sqlite").split(":")[0].split("+")[0]


def artifact(name: str) -> Path:
    """Where a screenshot called ``name`` is kept: one file per database, so both runs may go side by side."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}-{DATABASE}.png"


def screenshot(page: Page, name: str) -> Path:
    """Save a full-page screenshot of what the page shows now as a test artefact; return its path."""
    path = artifact(name)
    page.screenshot(path=str(path), full_page=True)
    return path


class Desk:
    """One demo user's browser window, logged in through the login page.

    ``errors`` collects what the page reported as broken (uncaught exceptions, console errors such
    as a Content-Security-Policy refusal), so a test can assert the page ran cleanly.
    """

    def __init__(
        self, browser: Browser, base: str, username: str, *, width: int = 1280, height: int = 900, locale: str = "zh-CN"
    ) -> None:
        self.base = base
        self.username = username
        self.page: Page = browser.new_context(locale=locale, viewport={"width": width, "height": height}).new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.set_default_timeout(PATIENCE_MS)
        self.page.goto(f"{base}/login")
        self.page.fill("#username", username)
        self.page.fill("#password", username)
        self.page.click("button[type=submit].primary")
        expect(self.page.locator("header.topbar")).to_be_visible()

    def open_task(self, business_key: str, task_name: str) -> Page:
        """From the inbox, open the complaint's task with this (Chinese) name."""
        page = self.page
        page.goto(f"{self.base}/")
        row = page.locator("tr", has_text=business_key).filter(has_text=task_name)
        row.locator("a.task-link").click()
        expect(page.locator("h1")).to_have_text(task_name)
        return page

    def submit(self) -> None:
        self.page.click("form.schema-form button[type=submit]")
        expect(self.page.locator("#instance-status")).to_be_visible()

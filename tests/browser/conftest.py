"""Browser fixtures: the app served over real HTTP on a free port, and Debian's Chromium."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, expect, sync_playwright
from werkzeug.serving import make_server

from tests.browser.desk import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, PATIENCE_MS, Desk


@pytest.fixture
def server_url(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def browser() -> Iterator[Browser]:
    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=PATIENCE_MS)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def desk(browser: Browser, server_url: str) -> Callable[..., Desk]:
    """``desk("manager")``: that demo user's logged-in window (options as for :class:`Desk`)."""

    def open_desk(username: str, **options: Any) -> Desk:
        return Desk(browser, server_url, username, **options)

    return open_desk

"""Browser-session helpers for the page tests: ``web_login("agent")`` -> a logged-in ``WebUser``."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete
from werkzeug.test import TestResponse

from app.models import Notification
from app.runtime import Runtime

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
NEXT_PAGE = re.compile(r'<a id="next-page" rel="next" href="([^"]+)"')

INTAKE_FORM = {
    "channel": "phone",
    "complainant.name": "张三",
    "complainant.phone": "13800138000",
    "description": "牛奶有异味",
}


class WebUser:
    """A test client with a browser session; ``post`` adds the page's CSRF token."""

    def __init__(self, client: FlaskClient, username: str) -> None:
        self.client = client
        self.username = username
        self.token = ""

    def get(self, path: str, expect: int | None = 200, **kw: Any) -> TestResponse:
        r = self.client.get(path, **kw)
        if expect is not None:
            assert r.status_code == expect, f"GET {path}: {r.status_code} {r.get_data(as_text=True)[:500]}"
        found = CSRF.search(r.get_data(as_text=True))
        if found:
            self.token = found.group(1)
        return r

    def post(self, path: str, data: dict[str, Any] | None = None, expect: int | None = None) -> TestResponse:
        if not self.token:
            self.get("/login")
        r = self.client.post(path, data={"csrf_token": self.token, **(data or {})})
        if expect is not None:
            assert r.status_code == expect, f"POST {path}: {r.status_code} {r.get_data(as_text=True)[:1500]}"
        return r

    def text(self, path: str, expect: int = 200, **kw: Any) -> str:
        return self.get(path, expect=expect, **kw).get_data(as_text=True)


@pytest.fixture
def web_login(app: Flask) -> Any:
    """``web_login("agent", lang="en")`` -> a ``WebUser`` logged in through the login form."""

    def _login(username: str, *, lang: str = "zh") -> WebUser:
        user = WebUser(app.test_client(), username)
        user.get(f"/login?lang={lang}")
        r = user.post("/login", {"username": username, "password": username})
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        user.get("/", follow_redirects=True)  # a new session after login (admins land elsewhere): its CSRF token
        return user

    return _login


@pytest.fixture
def walk_pages() -> Any:
    """``walk_pages(user, path, row)`` -> (the ``row`` pattern's matches in order, each page's HTML),
    following the pages' next links from ``path``."""

    def _walk(user: WebUser, path: str, row: re.Pattern[str]) -> tuple[list[str], list[str]]:
        found: list[str] = []
        pages: list[str] = []
        while path:
            page = user.text(path)
            pages.append(page)
            found.extend(row.findall(page))
            link = NEXT_PAGE.search(page)
            path = html.unescape(link.group(1)) if link else ""
            assert len(pages) < 20
        return found, pages

    return _walk


@pytest.fixture
def register_complaint(web_login: Any) -> Any:
    """Register a complaint through the start form as ``agent``; returns the instance id."""

    def _register(**fields: str) -> int:
        agent = web_login("agent")
        r = agent.post("/start/complaint_handling", {**INTAKE_FORM, **fields}, expect=302)
        return int(r.headers["Location"].rsplit("/", 1)[1])

    return _register


@pytest.fixture(autouse=True)
def _no_notifications(rt: Runtime) -> Iterator[None]:
    """Each page test starts and ends without notifications (other suites leave some behind)."""
    with rt.sessions() as s:
        s.execute(delete(Notification))
        s.commit()
    yield
    with rt.sessions() as s:
        s.execute(delete(Notification))
        s.commit()

"""Fixtures of the security tests: browser sessions, throwaway accounts, a clean login limiter."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select
from werkzeug.test import TestResponse

from app.models import User, user_groups
from app.runtime import Runtime
from app.services import people

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    """A test client with a browser session; ``post_form`` adds the page's CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf = ""

    def get(self, path: str, **kw: Any) -> TestResponse:
        r = self.client.get(path, **kw)
        found = CSRF.search(r.get_data(as_text=True))
        if found:
            self.csrf = found.group(1)
        return r

    def post_form(self, path: str, data: dict[str, Any] | None = None) -> TestResponse:
        if not self.csrf:
            self.get("/login")
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})})

    def log_in(self, username: str, password: str | None = None) -> TestResponse:
        self.get("/login")
        r = self.post_form("/login", {"username": username, "password": password or username})
        if r.status_code == 302:
            self.get("/")  # a new session after login: pick up its CSRF token
        return r


@pytest.fixture
def browser(app: Flask) -> Any:
    """``browser()`` -> a fresh ``Browser``; ``browser("agent")`` -> one logged in as that user."""

    def _browser(username: str | None = None) -> Browser:
        b = Browser(app.test_client())
        if username:
            r = b.log_in(username)
            assert r.status_code == 302, r.get_data(as_text=True)[:500]
        return b

    return _browser


@pytest.fixture
def make_user(rt: Runtime) -> Iterator[Any]:
    """``make_user(roles=..., groups=...)`` -> the username of a new account (password = username),
    removed after the test; tests that revoke or lock accounts use these, never the demo users."""
    created: list[str] = []

    def _make(*, roles: tuple[str, ...] = ("handler",), groups: tuple[str, ...] = ("cs_agents",)) -> str:
        username = f"t_{secrets.token_hex(4)}"
        with rt.sessions() as s:
            people.create_user(s, username, username, roles=roles, groups=groups)
            s.commit()
        created.append(username)
        return username

    yield _make
    with rt.sessions() as s:
        ids = list(s.scalars(select(User.id).where(User.username.in_(created))))
        s.execute(delete(user_groups).where(user_groups.c.user_id.in_(ids)))
        s.execute(delete(User).where(User.id.in_(ids)))
        s.commit()


@pytest.fixture(autouse=True)
def _fresh_login_counters(app: Flask) -> Iterator[None]:
    """Each test starts with empty login counters and leaves none behind (the limits stay real)."""
    from app.throttle import limiter

    limiter.reset()
    yield
    limiter.reset()

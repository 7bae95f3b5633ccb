"""Shared by the request-hardening tests: a browser session, and counts of what is stored."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from app.models import AuditEntry, ProcessInstance, TaskRecord
from app.runtime import Runtime
from tests.web.conftest import WebUser


def browser(app: Flask, username: str) -> WebUser:
    """A test client logged in through the login form, holding the page's CSRF token."""
    user = WebUser(app.test_client(), username)
    user.get("/login")
    r = user.post("/login", {"username": username, "password": username})
    assert r.status_code == 302, r.get_data(as_text=True)[:500]
    user.get("/", follow_redirects=True)  # admins and analysts land on their overview page
    return user


def stored(rt: Runtime) -> tuple[int, int, int]:
    """How many instances, task rows and history entries exist."""
    with rt.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(ProcessInstance)) or 0,
            s.scalar(select(func.count()).select_from(TaskRecord)) or 0,
            s.scalar(select(func.count()).select_from(AuditEntry)) or 0,
        )

"""API routes of accounts: log in for a token, log out everywhere, change one's password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, session

from app.api.request_input import json_body
from app.errors import BadRequest
from app.http import current_user, db, log_in_attempt, runtime, signed_in_by_session
from app.services import people
from app.throttle import login_throttled

bp = Blueprint("api_accounts", __name__, url_prefix="/api/v1")


def _strings(body: dict[str, Any], *fields: str) -> list[str]:
    """The named fields, each a required string (400 naming every one that is not)."""
    missing = [f for f in fields if not isinstance(body.get(f), str)]
    if missing:
        raise BadRequest(
            f"{' and '.join(fields)} are required strings",
            code="malformed_credentials",
            details=[{"field": f, "message": "required string"} for f in missing],
        )
    return [body[f] for f in fields]


@bp.post("/auth/token")
@login_throttled
def token() -> Any:
    username, password = _strings(json_body(), "username", "password")
    user = log_in_attempt(username, password)
    return {"token": runtime().tokens.issue(user), "user": people.user_view(user)}


@bp.post("/auth/logout")
def logout() -> Any:
    """Revoke every token and browser session of the caller (this one included)."""
    user = current_user()
    assert user is not None
    people.revoke_sessions(db(), user, actor=user.username, reason="logout")
    session.clear()
    return {"revoked": True}


@bp.post("/me/password")
def change_password() -> Any:
    """Change one's own password; every other token and session ends, the answer carries a new token."""
    user = current_user()
    assert user is not None
    current, new = _strings(json_body(), "current_password", "new_password")
    people.change_password(db(), user, current, new, min_length=runtime().settings.password_min_length)
    if signed_in_by_session():
        session["sv"] = user.session_version  # this browser stays logged in
    return {"token": runtime().tokens.issue(user), "user": people.user_view(user)}

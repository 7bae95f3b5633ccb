"""Session login for the browser, and the CSRF token every POST form carries."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import redirect, request, session, url_for

from app.errors import BadRequest, Forbidden
from app.http import CSRF_SESSION_KEY, current_user, session_csrf_token
from app.models import User

CSRF_FIELD = "csrf_token"

F = TypeVar("F", bound=Callable[..., Any])


csrf_token = session_csrf_token  # templates put it in a hidden field


def check_csrf() -> None:
    """Refuse a POST whose hidden token is missing or differs from the session's."""
    sent = request.form.get(CSRF_FIELD, "")
    expected = session.get(CSRF_SESSION_KEY)
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise BadRequest("the form has expired or did not come from this site; reload it", code="csrf_failed")


def log_in(user: User) -> None:
    """Start a fresh session for ``user`` (a new id and CSRF token), keeping the language."""
    lang = session.get("lang")
    session.clear()
    session["uid"] = user.id
    session["sv"] = user.session_version
    if lang:
        session["lang"] = lang


def log_out() -> None:
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def safe_next(target: str | None, default: str) -> str:
    """Only redirect to a path on this site (no scheme, no host, no ``//``)."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def signed_in_user() -> User:
    user = current_user(required=True)
    assert user is not None
    return user


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page, then back to where they were going."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user(required=False) is None:
            return redirect(url_for("web.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


def require_admin() -> User:
    user = signed_in_user()
    if not user.has_role("admin"):
        raise Forbidden("only administrators may do this", code="role_required")
    return user

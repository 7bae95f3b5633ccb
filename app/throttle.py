"""Login throttling with Flask-Limiter: failed logins counted per client address and per account.

Only failed attempts (answered 401) are counted, so people who log in often are never slowed
down. Once an address or an account name has used up its allowance, every login attempt from
that address or for that name is refused with 429 before any password is hashed. The counters
live in ``LOGIN_LIMIT_STORAGE_URI`` (memory of the process by default); the lockout in
``app.services.logins`` is kept in the database and so holds across processes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many

from app.config import Settings
from app.http import runtime
from app.services.logins import printable_name

F = TypeVar("F", bound=Callable[..., Any])

limiter = Limiter(key_func=get_remote_address, strategy="moving-window")

TOO_MANY = "too many failed logins from this address or for this account; wait a few minutes and try again"


def init_app(app: Flask, settings: Settings) -> None:
    """Bind the limiter; a malformed limit setting stops start-up here rather than failing logins."""
    for name in ("login_limit_per_address", "login_limit_per_account"):
        try:
            parse_many(getattr(settings, name))
        except ValueError as exc:
            raise RuntimeError(
                f"{name.upper()} is not a rate limit such as '5 per minute;20 per hour': {exc}"
            ) from None
    app.config["RATELIMIT_STORAGE_URI"] = settings.login_limit_storage_uri
    limiter.init_app(app)


def _failed(response: Response) -> bool:
    return response.status_code == 401


def _attempted_name() -> str:
    """The user name a login form or JSON body names, folded so that case tricks share a bucket."""
    name: Any = request.form.get("username")
    if name is None:
        try:
            body = json.loads(request.get_data())
        except (ValueError, RecursionError):
            body = None
        name = body.get("username") if isinstance(body, dict) else None
    if not isinstance(name, str) or not name.strip():
        return "account:-"
    return "account:" + printable_name(name.strip().lower())


def login_throttled(view: F) -> F:
    """Apply both login limits (shared by the web form and the API token endpoint) to ``view``."""
    per_account = limiter.shared_limit(
        lambda: runtime().settings.login_limit_per_account,
        scope="login-account",
        key_func=_attempted_name,
        methods=["POST"],
        deduct_when=_failed,
        error_message=TOO_MANY,
    )
    per_address = limiter.shared_limit(
        lambda: runtime().settings.login_limit_per_address,
        scope="login-address",
        key_func=get_remote_address,
        methods=["POST"],
        deduct_when=_failed,
        error_message=TOO_MANY,
    )
    return per_address(per_account(view))  # type: ignore[return-value]

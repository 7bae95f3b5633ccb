"""Per-request session, current user, and the one error handler.

A request gets one session; it commits once after the view returned, and rolls
back on any exception. Errors are answered as JSON for the API and as a page
for the browser.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, make_response, render_template, request, session
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from app.errors import AppError, Conflict, Forbidden, NotAuthenticated, PayloadTooLarge, TooManyAttempts
from app.models import User
from app.runtime import Runtime
from app.services import logins

log = logging.getLogger(__name__)

CSRF_SESSION_KEY = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def runtime() -> Runtime:
    rt: Runtime = current_app.extensions["runtime"]
    return rt


def db() -> Session:
    """The request's session, opened on first use."""
    if "db" not in g:
        g.db = runtime().sessions()
    s: Session = g.db
    return s


def session_csrf_token() -> str:
    """The browser session's CSRF token, created on first use: pages put it in a hidden field,
    a script calling the API sends it as ``X-CSRF-Token``."""
    token = session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_SESSION_KEY] = token
    return token


def _check_api_csrf() -> None:
    """An API call that changes something on the strength of the session cookie alone must
    carry the session's CSRF token: a cookie is sent by any page the user visits."""
    if not request.path.startswith("/api/") or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    expected = session.get(CSRF_SESSION_KEY)
    if not isinstance(expected, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise Forbidden(
            f"a browser session must send its CSRF token in the {CSRF_HEADER} header; scripts use a bearer token",
            code="csrf_failed",
        )


def signed_in_by_session() -> bool:
    """Whether the current user was recognised by the browser session cookie (not a token)."""
    return bool(g.get("by_session"))


def current_user(required: bool = True) -> User | None:
    """The user of a bearer token (API) or of the browser session."""
    if "user" in g:
        return g.user
    user = None
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        uid, version = runtime().tokens.claims(header[7:].strip())
        user = db().get(User, uid)
        if user is not None and user.session_version != version:
            raise NotAuthenticated(
                "this token was revoked (logout, password change or deactivation); get a new one",
                code="token_revoked",
            )
    elif session.get("uid") is not None:
        _check_api_csrf()
        user = db().get(User, session["uid"])
        if user is not None and session.get("sv") != user.session_version:
            user = None  # the user logged out (everywhere), changed password or was deactivated
        g.by_session = True
    if user is not None and not user.active:
        user = None
    g.user = user
    if user is None and required:
        raise NotAuthenticated("log in or send a bearer token", code="not_authenticated")
    return user


def log_in_attempt(username: str, password: str) -> User:
    """Check a login; a refused one is committed all the same (its failure count and audit entry)."""
    rt = runtime()
    policy = logins.LockoutPolicy(
        rt.settings.login_lockout_threshold, rt.settings.login_lockout_seconds, rt.settings.login_lockout_max_seconds
    )
    try:
        return logins.authenticate(db(), username, password, policy=policy, address=request.remote_addr or "")
    except (logins.LoginFailed, TooManyAttempts):
        db().commit()
        raise


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _error_response(err: AppError) -> Any:
    if wants_json():
        return jsonify(err.to_dict()), err.status
    return render_template("error.html", error=err), err.status


def security_headers(response: Response) -> Response:
    """Headers every response carries: what the page may load (no script at all), no framing,
    no type sniffing, no referrer leaving the site. A view may set a stricter policy itself."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", runtime().settings.content_security_policy)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    return response


def uploaded_content(body: str | bytes, mimetype: str, filename: str) -> Response:
    """Content someone uploaded (a diagram, evidence) as a download that no browser runs:
    an attachment, never sniffed, and sandboxed should it be opened anyway."""
    response = Response(body, mimetype=mimetype)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'; sandbox"
    return response


def init_app(app: Flask) -> None:
    app.after_request(security_headers)  # registered first, so it runs last, on the final response

    @app.after_request
    def _commit(response: Response) -> Response:
        s = g.pop("db", None)
        if s is None:
            return response
        try:
            if response.status_code < 400:
                s.commit()
            else:
                s.rollback()
        except (StaleDataError, IntegrityError):
            s.rollback()
            return make_response(
                _error_response(Conflict("the data was changed concurrently", code="instance_changed"))
            )
        finally:
            s.close()
        return response

    @app.teardown_request
    def _close(_exc: BaseException | None) -> None:
        s = g.pop("db", None)
        if s is not None:
            s.rollback()
            s.close()

    @app.errorhandler(AppError)
    def _app_error(err: AppError) -> Any:
        _discard_session()
        return _error_response(err)

    @app.errorhandler(StaleDataError)
    def _stale(_err: StaleDataError) -> Any:
        _discard_session()
        return _error_response(Conflict("the instance was changed concurrently", code="instance_changed"))

    @app.errorhandler(OperationalError)
    def _db_error(err: OperationalError) -> Any:
        _discard_session()
        if "locked" in str(err.orig).lower() or "deadlock" in str(err.orig).lower():
            return _error_response(Conflict("the data is busy; try again", code="busy"))
        log.exception("database error")
        from app.errors import NotReady

        return _error_response(NotReady("the database is not available", code="database_unavailable"))

    @app.errorhandler(413)
    def _too_large(_err: HTTPException) -> Any:
        _discard_session()
        return _error_response(PayloadTooLarge("the request body is too large", code="payload_too_large"))

    @app.errorhandler(429)
    def _throttled(err: HTTPException) -> Any:
        _discard_session()
        return _error_response(TooManyAttempts(err.description or "too many requests; try again later"))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException) -> Any:
        _discard_session()
        code = (err.name or "error").lower().replace(" ", "_")
        e = AppError(err.description or err.name or "error", code=code)
        e.status = err.code or 500
        return _error_response(e)

    @app.errorhandler(Exception)
    def _unexpected(err: Exception) -> Any:
        _discard_session()
        log.exception("unexpected error on %s %s", request.method, request.path)
        return _error_response(AppError("an unexpected error occurred; it has been logged"))


def _discard_session() -> None:
    s = g.pop("db", None)
    if s is not None:
        s.rollback()
        s.close()

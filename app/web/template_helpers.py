"""Names every template may use: the signed-in user, the CSRF token, formatting, error texts.

Also used by ``error.html``, which ``app.http`` renders after the request's session was
discarded, so nothing here may raise while an error page is being rendered.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from flask import g, request
from flask_babel import lazy_gettext
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from app.errors import AppError
from app.http import current_user, db
from app.models import User
from app.services import deployments, notifications, process_rights
from app.services.report_period import may_read_reports
from app.web import queries
from app.web.presenters import STATUSES, bilingual, group_name, history_label, local_time, status_label, yes_no
from app.web.security import CSRF_FIELD, csrf_token

log = logging.getLogger(__name__)

# Error codes of the services -> what the person reads (the service messages are English only).
ERROR_TEXTS = {
    "not_authenticated": lazy_gettext("Please log in first."),
    "bad_credentials": lazy_gettext("Wrong username or password."),
    "csrf_failed": lazy_gettext("The form has expired or did not come from this site. Reload the page and try again."),
    "too_many_attempts": lazy_gettext(
        "Too many failed logins from this computer or for this account. Wait a few minutes."
    ),
    "account_locked": lazy_gettext("Too many failed logins: this account is locked for a while. Try again later."),
    "not_your_task": lazy_gettext("This task belongs to another group; you cannot open or complete it."),
    "role_required": lazy_gettext("Only administrators may do this."),
    "analyst_role_required": lazy_gettext("Only process analysts and administrators may see this."),
    "task_claimed": lazy_gettext("Someone else has already claimed this task."),
    "task_changed": lazy_gettext("The task was changed by someone else. Reload the page."),
    "task_not_ready": lazy_gettext("This task is no longer open: it was completed, cancelled or moved on."),
    "instance_suspended": lazy_gettext("The complaint is suspended; an administrator must resume it first."),
    "instance_changed": lazy_gettext("The complaint was changed by someone else. Reload and try again."),
    "instance_state": lazy_gettext("This action is not possible in the complaint's current state."),
    "not_your_instance": lazy_gettext("You are not involved in this complaint, so you cannot record contacts for it."),
    "not_a_complaint": lazy_gettext("Only complaints record repeat contacts."),
    "unknown_notification": lazy_gettext("There is no such notification."),
    "unknown_task": lazy_gettext("There is no such task."),
    "unknown_instance": lazy_gettext("There is no such complaint or process instance."),
    "unknown_process": lazy_gettext("There is no such process."),
    "invalid_data": lazy_gettext("Some fields need correcting; see the messages next to them."),
    "busy": lazy_gettext("The system is busy. Try again in a moment."),
    "not_found": lazy_gettext("This page does not exist."),
    "method_not_allowed": lazy_gettext("This page cannot be used that way."),
    "payload_too_large": lazy_gettext("The submitted data is too large."),
    "database_unavailable": lazy_gettext("The database is not available. Try again later."),
    "internal_error": lazy_gettext("An unexpected error occurred; it has been logged."),
}

ERROR_TITLES = {
    400: lazy_gettext("Bad request"),
    401: lazy_gettext("Not logged in"),
    403: lazy_gettext("Not allowed"),
    404: lazy_gettext("Not found"),
    405: lazy_gettext("Not allowed"),
    409: lazy_gettext("Conflict"),
    413: lazy_gettext("Too large"),
    422: lazy_gettext("Invalid data"),
    429: lazy_gettext("Too many attempts"),
    503: lazy_gettext("Not available"),
}


def error_text(error: AppError) -> str:
    return str(ERROR_TEXTS.get(error.code, error.message))


def error_title(error: AppError) -> str:
    return str(ERROR_TITLES.get(error.status, lazy_gettext("Something went wrong")))


def lang_url(lang: str) -> str:
    """The current page in another language (``app.i18n`` remembers ``?lang=`` in the session)."""
    args = {k: v for k, v in request.args.items() if k != "lang"}
    return f"{request.path}?{urlencode({**args, 'lang': lang})}"


def _viewer() -> User | None:
    try:
        user = current_user(required=False)
        state = inspect(user) if user is not None else None
        if state is not None and state.detached and state.identity:
            # error pages render after the request's session was rolled back and closed
            user = db().get(User, state.identity[0])
            g.user = user
        return user
    except (AppError, SQLAlchemyError):
        log.warning("no user for page %s", request.path, exc_info=True)
        return None


def _demo_warning() -> bool:
    try:
        return queries.demo_users_exist(db())
    except SQLAlchemyError:
        log.warning("cannot check for demo users", exc_info=True)
        return False


def _unread_notifications() -> int | None:
    """The viewer's unread notifications: one COUNT query per page view (kept for the request)."""
    if "unread_notifications" not in g:
        try:
            user = _viewer()
            g.unread_notifications = notifications.unread_count(db(), user) if user is not None else None
        except SQLAlchemyError:
            log.warning("cannot count notifications", exc_info=True)
            g.unread_notifications = None
    count: int | None = g.unread_notifications
    return count


def _may_register() -> bool:
    """Whether the viewer may start a complaint (the nav link); one query, on pages that ask."""
    user = _viewer()
    if user is None:
        return False
    try:
        definition = deployments.latest_definition(db(), "complaint_handling", required=False)
    except SQLAlchemyError:
        log.warning("cannot read the complaint process", exc_info=True)
        return False
    return definition is not None and process_rights.may_start(user, definition)


def _may_start_processes() -> bool:
    """Whether the viewer may start any process (the nav link to /start); one query, on pages that ask."""
    user = _viewer()
    if user is None:
        return False
    try:
        return bool(queries.startable_process_names(db(), user))
    except SQLAlchemyError:
        log.warning("cannot read the processes", exc_info=True)
        return False


def helpers() -> dict[str, Any]:
    return {
        "viewer": _viewer(),
        "unread_notifications": _unread_notifications,
        "may_register": _may_register,
        "may_start_processes": _may_start_processes,
        "csrf_field": CSRF_FIELD,
        "csrf_token": csrf_token,
        "demo_warning": _demo_warning,
        "local_time": local_time,
        "group_name": group_name,
        "bilingual": bilingual,
        "status_label": status_label,
        "history_label": history_label,
        "yes_no": yes_no,
        "statuses": list(STATUSES),
        "error_text": error_text,
        "error_title": error_title,
        "lang_url": lang_url,
        "may_read_reports": may_read_reports,
    }

"""Console pages for administrators and analysts: definitions, incidents, the admin dashboard."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from app.errors import Forbidden
from app.http import db, runtime
from app.models import User
from app.services import incident_lists, instances
from app.web import console_pages
from app.web.blueprint import bp
from app.web.presenters import status_label
from app.web.security import login_required, require_admin, safe_next, signed_in_user


def require_analyst_or_admin() -> User:
    user = signed_in_user()
    if not (user.has_role("analyst") or user.has_role("admin")):
        raise Forbidden(
            "only analysts and administrators may see the process definitions", code="analyst_role_required"
        )
    return user


@bp.get("/definitions")
@login_required
def definitions() -> str:
    require_analyst_or_admin()
    key = request.args.get("key") or None
    raw_version = request.args.get("version", "")
    version = int(raw_version) if raw_version.isascii() and raw_version.isdigit() and len(raw_version) < 10 else None
    return console_pages.definitions_page(db(), key, version if key else None)


@bp.get("/incidents")
@login_required
def incidents() -> str:
    require_admin()
    return console_pages.incidents_page(db(), request.args.get("cursor") or None)


@bp.post("/incidents/<int:instance_id>/retry")
@login_required
def retry_incident(instance_id: int) -> Response:
    """Retry a failed instance from the incidents page; a retry that fails again says so, in red."""
    user = require_admin()
    model = instances.get(db(), instance_id)
    instances.apply_admin_action(runtime(), db(), model, "retry", user.username)
    failure = incident_lists.newest_open_message(db(), model.id) if model.status == "error" else None
    if failure is not None:
        flash(gettext("The retry failed again: %(error)s", error=failure), "error")
    else:
        flash(gettext("Retried: the case is now %(status)s.", status=status_label(model.status)), "success")
    return redirect(safe_next(request.form.get("next"), url_for("web.incidents")))


@bp.get("/dashboard")
@login_required
def admin_dashboard() -> str:
    require_admin()
    return console_pages.admin_dashboard_page(db())


@bp.app_context_processor
def _console_links() -> dict[str, Any]:
    return {"inbox_url": console_pages.inbox_url}

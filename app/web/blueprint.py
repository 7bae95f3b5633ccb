"""Browser UI routes: each parses the request, calls a service, and renders or redirects."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from app.errors import Conflict, Invalid, NotAuthenticated, NotFound, TooManyAttempts
from app.http import current_user, db, log_in_attempt, runtime
from app.services import (
    complaints,
    deployments,
    instances,
    notifications,
    people,
    process_rights,
    tasks,
)
from app.throttle import login_throttled
from app.web import attachment_input, complaint_view, console_pages, form_input, pages, queries, template_helpers
from app.web.presenters import bilingual, group_name, status_label
from app.web.security import (
    check_csrf,
    log_in,
    log_out,
    login_required,
    require_admin,
    safe_next,
    signed_in_user,
)
from app.web.template_helpers import error_text

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static", static_url_path="/web-static")

COMPLAINT_PROCESS = "complaint_handling"


@bp.before_request
def _csrf() -> None:
    if request.method == "POST":
        check_csrf()


# --- login ---------------------------------------------------------------------------------
@bp.route("/login", methods=["GET", "POST"])
@login_throttled
def login() -> Any:
    target = safe_next(request.values.get("next"), url_for("web.inbox"))
    if request.method == "GET":
        return render_template("login.html", next=target)
    username = request.form.get("username", "").strip()
    try:
        user = log_in_attempt(username, request.form.get("password", ""))
    except NotAuthenticated:
        message = gettext("Wrong username or password.")
        return render_template("login.html", next=target, username=username, login_error=message), 401
    except TooManyAttempts as err:
        return render_template("login.html", next=target, username=username, login_error=error_text(err)), 429
    log_in(user)
    return redirect(target)


@bp.post("/logout")
def logout() -> Response:
    """Log out everywhere: this and every other session and API token of the user stop working."""
    user = current_user(required=False)
    if user is not None:
        people.revoke_sessions(db(), user, actor=user.username, reason="logout")
    log_out()
    return redirect(url_for("web.login"))


# --- inbox ---------------------------------------------------------------------------------
@bp.get("/")
@login_required
def inbox() -> Any:
    if not request.args and (landing := console_pages.landing_url(signed_in_user())):
        return redirect(landing)  # admins and analysts land on their overview; the inbox is "/?scope=..."
    scope = request.args.get("scope", "group")
    sort = "due" if request.args.get("sort") == "due" else "created"
    cursor = request.args.get("cursor") or None
    return pages.inbox_page(db(), signed_in_user(), scope if scope in tasks.SCOPES else "group", sort, cursor)


@bp.post("/tasks/<task_id>/claim")
@login_required
def claim(task_id: str) -> Response:
    tasks.claim(db(), signed_in_user(), task_id)
    flash(gettext("You claimed the task."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("web.task", task_id=task_id)))


@bp.post("/tasks/<task_id>/unclaim")
@login_required
def unclaim(task_id: str) -> Response:
    tasks.unclaim(db(), signed_in_user(), task_id)
    flash(gettext("The task is back in the group's inbox."), "success")
    return redirect(safe_next(request.form.get("next"), url_for("web.inbox")))


# --- starting a process --------------------------------------------------------------------
@bp.get("/start")
@login_required
def start_index() -> str:
    names = queries.startable_process_names(db(), signed_in_user())
    return render_template("start_index.html", process_names=names)


@bp.route("/start/<process_key>", methods=["GET", "POST"])
@login_required
def start(process_key: str) -> Any:
    user = signed_in_user()
    definition = deployments.latest_definition(db(), process_key)
    assert definition is not None  # required=True: an unknown key is a 404
    process_rights.require_start_right(db(), definition, user.username)  # 403 before the form
    schema = runtime().forms.of(db(), definition).start_schema(process_key)
    if request.method == "GET":
        return pages.start_page(schema, process_key, definition.name)
    try:
        posted = attachment_input.with_uploads(schema or {}, user, instance=None)  # files sent without the script
        variables = form_input.parse(schema, posted) if schema else {}
        model = instances.start(runtime(), db(), process_key, variables, user.username)
    except Invalid as err:
        db().rollback()  # nothing of the refused registration is shown again (its files included)
        choices = attachment_input.pending_choices(user, request.form, schema or {})
        page = pages.start_page(
            schema, process_key, definition.name, posted=request.form, error=err, attachment_choices=choices
        )
        return page, 422
    flash(gettext("Registered as %(key)s.", key=model.business_key or model.id), "success")
    return redirect(url_for("web.instance", instance_id=model.id))


# --- tasks ---------------------------------------------------------------------------------
@bp.get("/tasks/<task_id>")
@login_required
def task(task_id: str) -> str:
    user = signed_in_user()
    return pages.task_page(runtime(), db(), user, tasks.get_visible(db(), user, task_id))


@bp.post("/tasks/<task_id>")
@login_required
def complete(task_id: str) -> Any:
    user = signed_in_user()
    row = tasks.get_visible(db(), user, task_id)
    instance = instances.get(db(), row.instance_id)
    schema = runtime().forms.of(db(), instance.definition).schema(row.form_key)
    try:
        posted = attachment_input.with_uploads(schema, user, instance=instance, task=row)  # without the script
        data = form_input.parse(schema, posted)
        model = tasks.complete(runtime(), db(), user, task_id, data)
    except Invalid as err:
        db().rollback()  # the refused submission's files are not kept either
        return pages.task_page(runtime(), db(), user, row, posted=request.form, error=err), 422
    except Conflict as err:
        return pages.task_page(runtime(), db(), user, row, posted=request.form, error=err), 409
    flash(gettext("Task “%(name)s” completed.", name=bilingual(row.name)), "success")
    return redirect(url_for("web.instance", instance_id=model.id))


# --- instances -----------------------------------------------------------------------------
@bp.get("/instances/<int:instance_id>")
@login_required
def instance(instance_id: int) -> str:
    user = signed_in_user()
    return pages.instance_page(runtime(), db(), instances.get_viewable(db(), user, instance_id), user)


@bp.post("/instances/<int:instance_id>/repeat-contact")
@login_required
def repeat_contact(instance_id: int) -> Any:
    """The customer called (wrote, came) again: count it, maybe raise the severity, back to the page."""
    user = signed_in_user()
    model = instances.get_viewable(db(), user, instance_id)
    severity = complaint_view.severity_of(model.variables or {})
    posted = {"channel": request.form.get("channel", ""), "note": request.form.get("note", "").strip()}
    try:
        result = complaints.record_repeat_contact(
            runtime(), db(), model, user.username, note=posted["note"], channel=posted["channel"]
        )
    except (Invalid, Conflict) as err:
        db().rollback()
        model = instances.get(db(), instance_id)
        message = complaint_view.contact_error_text(err)
        page = pages.instance_page(runtime(), db(), model, user, contact_error=message, posted=posted)
        return page, err.status
    flash(complaint_view.recorded_message(result, severity.level if severity else None), "success")
    return redirect(url_for("web.instance", instance_id=instance_id))


@bp.post("/instances/<int:instance_id>/<action>")
@login_required
def instance_action(instance_id: int, action: str) -> Response:
    if action not in instances.ADMIN_ACTIONS:
        raise NotFound(f"unknown action '{action}'", code="unknown_action")
    user = require_admin()
    model = instances.get(db(), instance_id)
    instances.apply_admin_action(runtime(), db(), model, action, user.username)
    flash(gettext("Done: the instance is now %(status)s.", status=status_label(model.status)), "success")
    return redirect(url_for("web.instance", instance_id=instance_id))


# --- notifications -------------------------------------------------------------------------
@bp.get("/notifications")
@login_required
def notification_list() -> str:
    return pages.notifications_page(db(), signed_in_user(), unread_only=request.args.get("unread") == "1")


@bp.post("/notifications/<int:notification_id>/read")
@login_required
def notification_read(notification_id: int) -> Response:
    notifications.mark_read(db(), signed_in_user(), notification_id)
    return redirect(safe_next(request.form.get("next"), url_for("web.notification_list")))


@bp.post("/notifications/read-all")
@login_required
def notifications_read_all() -> Response:
    marked = notifications.mark_all_read(db(), signed_in_user())
    flash(gettext("%(n)s notifications marked as read.", n=marked), "success")
    return redirect(safe_next(request.form.get("next"), url_for("web.notification_list")))


# --- what every page may use ---------------------------------------------------------------
@bp.app_context_processor
def _page_helpers() -> dict[str, Any]:
    return template_helpers.helpers()


bp.add_app_template_filter(group_name, "group_name")


from app.web import admin_routes  # noqa: E402,F401  (its routes register on bp)
from app.web import attachment_routes as _attachment_routes  # noqa: E402,F401  (its routes, on this blueprint)
from app.web import console_routes as _console_routes  # noqa: E402, F401  (routes on ``bp``; imported last)
from app.web import finding_routes as _finding_routes  # noqa: E402,F401  (my responsibility findings, on bp)
from app.web import modeler_routes as _modeler_routes  # noqa: E402,F401  (the analyst's modeler pages, on bp)
from app.web import report_routes as _report_routes  # noqa: E402,F401  (the reports page, on this blueprint)
from app.web import sales_volume_routes as _sales_volume_routes  # noqa: E402,F401  (sales volumes page, on bp)
from app.web import simulation_routes as _simulation_routes  # noqa: E402,F401  (its routes, on this blueprint)
from app.web import version_routes as _version_routes  # noqa: E402,F401  (diff and migration pages, on bp)
from app.web import workbench_routes as _workbench_routes  # noqa: E402,F401  (its routes, on this blueprint)

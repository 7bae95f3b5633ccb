"""Browser routes of the admin console on the case page (reassign, fire a timer now, edit a
variable, terminate with a reason, retry) and the simulated clock in the header.

Each route parses the form, calls the service, and on success flashes and goes back to the
case; a refused action shows the case again with the reason in red and the error's status.
"""

from __future__ import annotations

import json
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from app.clock import clock
from app.errors import AppError, Conflict, Invalid, NotFound
from app.http import current_user, db, runtime
from app.input_checks import check_json
from app.services import admin_actions, clock_controls, instances, tasks, timer_firing
from app.web import admin_view, pages
from app.web.blueprint import bp
from app.web.presenters import bilingual, status_label
from app.web.security import login_required, require_admin, safe_next


def _refused(instance_id: int, err: AppError) -> tuple[str, int]:
    """The case page again, the refusal in red (nothing of the action was kept)."""
    db().rollback()
    flash(admin_view.refusal_text(err), "error")
    user = require_admin()
    return pages.instance_page(runtime(), db(), instances.get(db(), instance_id), user), err.status


def _back(instance_id: int) -> Response:
    return redirect(url_for("web.instance", instance_id=instance_id))


@bp.post("/instances/<int:instance_id>/tasks/<task_id>/assign")
@login_required
def admin_assign(instance_id: int, task_id: str) -> Any:
    user = require_admin()
    if tasks.get(db(), task_id).instance_id != instance_id:
        raise NotFound(f"instance {instance_id} has no task {task_id}", code="unknown_task")
    username = request.form.get("username", "")
    try:
        row = admin_actions.assign(db(), user.username, task_id, username, request.form.get("reason"))
    except (Invalid, Conflict) as err:
        return _refused(instance_id, err)
    flash(gettext("“%(task)s” is now assigned to %(user)s.", task=bilingual(row.name), user=username), "success")
    return _back(instance_id)


@bp.post("/instances/<int:instance_id>/timers/<element_id>/fire")
@login_required
def admin_fire_timer(instance_id: int, element_id: str) -> Any:
    user = require_admin()
    model = instances.get(db(), instance_id)
    try:
        row = timer_firing.fire_now(runtime(), db(), model, element_id, user.username)
    except (NotFound, Conflict) as err:
        return _refused(instance_id, err)
    flash(gettext("Timer “%(name)s” fired.", name=bilingual(row.name)), "success")
    return _back(instance_id)


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _posted_value(raw: str) -> Any:
    """The JSON value typed into the variable form (422 naming ``value`` if it is not JSON)."""
    try:
        value = json.loads(raw, parse_constant=_not_json)
    except (ValueError, RecursionError):
        raise Invalid(
            "the value must be JSON", code="invalid_json_value", details=[{"field": "value", "message": "not JSON"}]
        ) from None
    check_json({"value": value}, max_depth=runtime().settings.max_json_depth)
    return value


@bp.post("/instances/<int:instance_id>/variables")
@login_required
def admin_edit_variable(instance_id: int) -> Any:
    user = require_admin()
    model = instances.get(db(), instance_id)
    name = request.form.get("name", "").strip()
    try:
        seen = admin_actions.lock_version_field(request.form.get("lock_version"))
        value = _posted_value(request.form.get("value", ""))
        admin_actions.edit_variables(
            runtime(), db(), model, {name: value}, request.form.get("reason"), seen_version=seen, actor=user.username
        )
    except (Invalid, Conflict) as err:
        return _refused(instance_id, err)
    flash(gettext("Variable “%(name)s” saved.", name=name), "success")
    return _back(instance_id)


@bp.post("/instances/<int:instance_id>/terminate")
@login_required
def admin_terminate(instance_id: int) -> Any:
    user = require_admin()
    model = instances.get(db(), instance_id)
    try:
        if request.form.get("confirm") != "yes":
            raise Invalid(
                gettext("Tick “I confirm” to terminate the case."),
                code="not_confirmed",
                details=[{"field": "confirm", "message": "required"}],
            )
        instances.apply_admin_action(
            runtime(), db(), model, "terminate", user.username, reason=request.form.get("reason")
        )
    except (Invalid, Conflict) as err:
        return _refused(instance_id, err)
    flash(gettext("Done: the instance is now %(status)s.", status=status_label(model.status)), "success")
    return _back(instance_id)


@bp.post("/instances/<int:instance_id>/retry")
@login_required
def admin_retry(instance_id: int) -> Any:
    """Retry the failed step; when it fails again, say so in red with the error."""
    user = require_admin()
    model = instances.get(db(), instance_id)
    try:
        instances.apply_admin_action(runtime(), db(), model, "retry", user.username)
    except Conflict as err:
        return _refused(instance_id, err)
    failure = instances.open_incident_message(db(), model)
    if failure is not None:
        flash(gettext("The retry failed again: %(error)s", error=failure), "error")
    else:
        flash(gettext("Done: the instance is now %(status)s.", status=status_label(model.status)), "success")
    return _back(instance_id)


# --- the simulated clock in the header ---------------------------------------------------------
@bp.post("/admin/clock")
@login_required
def admin_clock() -> Any:
    require_admin()
    back = safe_next(request.form.get("next"), url_for("web.inbox"))
    settings = runtime().settings
    if not settings.simulated_clock:
        flash(gettext("The simulated clock is off (SIMULATED_CLOCK=1 turns it on)."), "error")
        return redirect(back)
    before = clock.now()
    try:
        to = clock_controls.target(
            request.form.get("move", ""), request.form.get("date"), before, max_days=settings.max_clock_advance_days
        )
    except (Invalid, Conflict) as err:
        flash(admin_view.refusal_text(err), "error")
        return redirect(back)
    db().rollback()  # firing runs one transaction per instance; don't hold this request's lock
    moved = timer_firing.advance_clock(runtime(), to=to)
    return render_template("clock_moved.html", before=before, now=clock.now(), moved=moved, back=back)


@bp.app_context_processor
def _admin_helpers() -> dict[str, Any]:
    return {"simulated_now": _simulated_now, "admin_panel": _admin_panel}


def _simulated_now() -> Any:
    """The product clock's time for the header's controls: admins, with SIMULATED_CLOCK=1."""
    user = current_user(required=False)
    if user is None or not user.has_role("admin") or not runtime().settings.simulated_clock:
        return None
    return clock.now()


def _admin_panel(model: Any, tasks: list[Any]) -> Any:
    user = current_user(required=False)
    if user is None or not user.has_role("admin"):
        return None
    return admin_view.panel(db(), model, tasks)

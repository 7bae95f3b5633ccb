"""REST API v1 (``shared/api-contract.md``): routes parse, call a service, answer JSON."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, jsonify, request
from sqlalchemy import text

from app.api import bundle_input, instance_exports, views
from app.api.openapi import openapi_document
from app.api.request_input import choice_arg, clock_target, int_arg, json_body
from app.clock import clock
from app.errors import BadRequest, Forbidden, NotFound, NotReady
from app.http import current_user, db, runtime, session_csrf_token, signed_in_by_session, uploaded_content
from app.input_checks import MAX_DB_INT
from app.models import User
from app.services import (
    complaints,
    deployments,
    idempotency,
    instances,
    notifications,
    people,
    publishing,
    task_lists,
    tasks,
    timer_firing,
)
from app.services.instance_details import describe

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def require_role(*roles: str) -> User:
    user = current_user()
    assert user is not None
    if not any(user.has_role(r) for r in roles):
        raise Forbidden(f"this needs the {' or '.join(roles)} role", code="role_required")
    return user


# --- health, auth, spec ---------------------------------------------------------------
@bp.get("/health")
def health() -> Any:
    try:
        db().execute(text("SELECT 1"))
    except Exception:
        raise NotReady(
            "the database is not reachable", code="database_unavailable", details=[{"part": "database"}]
        ) from None
    from app.scheduling import scheduler_status

    state = scheduler_status(db())
    if state != "ok":
        raise NotReady(
            "the scheduler is not running",
            code="scheduler_unavailable",
            details=[{"part": "scheduler", "status": state}],
        )
    return {"status": "ok", "database": "ok", "scheduler": state, "incidents": instances.open_incident_count(db())}


@bp.get("/openapi.json")
def openapi() -> Any:
    return jsonify(openapi_document())


@bp.get("/me")
def me() -> Any:
    user = current_user()
    assert user is not None
    if not signed_in_by_session():
        return people.user_view(user)
    return people.user_view(user) | {"csrf_token": session_csrf_token()}  # for a script in the browser UI


# --- process definitions --------------------------------------------------------------
@bp.get("/process-definitions")
def list_definitions() -> Any:
    current_user()
    rows = deployments.list_definitions(db(), all_versions=request.args.get("all") in ("1", "true"))
    return jsonify([views.definition_view(d) for d in rows])


@bp.post("/process-definitions")
def deploy() -> Any:
    user = require_role("analyst", "admin")
    result = publishing.publish_bundle(runtime(), db(), bundle_input.bundle_from_request(), actor=user.username)
    status = 201 if any(r.created for r in result) else 200
    return jsonify([views.definition_view(r.definition, full=False) | {"created": r.created} for r in result]), status


@bp.get("/process-definitions/<key>/versions/<int:version>/xml")
def definition_xml(key: str, version: int) -> Any:
    current_user()
    d = deployments.get_version(db(), key, version)
    return uploaded_content(d.xml, "application/xml", f"{key}-v{version}.bpmn")


# --- process instances ----------------------------------------------------------------
@bp.post("/process-instances")
def start_instance() -> Any:
    user = current_user()
    assert user is not None
    body = json_body()
    key = body.get("process_key")
    variables = body.get("variables", {})
    if not isinstance(key, str) or not key:
        raise BadRequest(
            "process_key is required",
            code="missing_field",
            details=[{"field": "process_key", "message": "required string"}],
        )
    if not isinstance(variables, dict):
        raise BadRequest(
            "variables must be an object",
            code="bad_field",
            details=[{"field": "variables", "message": "must be an object"}],
        )
    reservation = None
    if (idempotency_key := request.headers.get(idempotency.HEADER)) is not None:
        ttl = runtime().settings.idempotency_key_seconds
        found = idempotency.reserve(db(), user, idempotency.check_key(idempotency_key), body, ttl_seconds=ttl)
        if isinstance(found, idempotency.Replay):
            return found.body, found.status, {"Idempotent-Replayed": "true"}
        reservation = found
    model = instances.start(runtime(), db(), key, variables, user.username)
    answer = views.instance_summary(model)
    if reservation is not None:
        idempotency.remember(db(), reservation, model.id, 201, answer)
    return answer, 201


@bp.get("/process-instances")
def list_instances() -> Any:
    if choice_arg("format", ("json", "csv"), "json") == "csv":
        return instance_exports.export_instances()
    return instance_exports.list_page()


@bp.get("/process-instances.csv")
def export_instances() -> Any:
    return instance_exports.export_instances()


def _instance_json(instance_id: int) -> dict[str, Any]:
    d = describe(runtime(), db(), instances.get(db(), instance_id))
    return views.instance_view(d.instance, d.tasks, d.timers, d.history, d.incidents, d.exclusions, d.links, d.batch)


@bp.get("/process-instances/<int:instance_id>")
def get_instance(instance_id: int) -> Any:
    user = current_user()
    assert user is not None
    instances.get_viewable(db(), user, instance_id)
    return admin_actions.instance_answer(instance_id)  # with the ETag that PATCH .../variables needs


@bp.post("/process-instances/<int:instance_id>/<action>")
def admin_action(instance_id: int, action: str) -> Any:
    if action not in instances.ADMIN_ACTIONS:
        raise NotFound(f"unknown action '{action}'", code="unknown_action")
    user = require_role("admin")
    instances.apply_admin_action(runtime(), db(), instances.get(db(), instance_id), action, user.username)
    return _instance_json(instance_id)


# --- tasks ----------------------------------------------------------------------------
@bp.get("/tasks")
def list_tasks() -> Any:
    user = current_user()
    assert user is not None
    scope = choice_arg("scope", tasks.SCOPES, "group")
    sort = choice_arg("sort", task_lists.SORTS, "created")
    instance_id = int_arg("instance_id", 0, lo=0, hi=MAX_DB_INT) or None
    limit = int_arg("limit", task_lists.DEFAULT_LIMIT, lo=1, hi=task_lists.MAX_LIMIT)
    rows, next_cursor = task_lists.page(
        db(), user, scope=scope, instance_id=instance_id, sort=sort, cursor=request.args.get("cursor"), limit=limit
    )
    response = jsonify([views.task_view(t) for t in rows])
    if next_cursor:
        response.headers["X-Next-Cursor"] = next_cursor
    return response


@bp.get("/tasks/<task_id>")
def get_task(task_id: str) -> Any:
    user = current_user()
    assert user is not None
    row = tasks.get_visible(db(), user, task_id)
    model = instances.get(db(), row.instance_id)
    schema = runtime().forms.of(db(), model.definition).schema(row.form_key)
    return {
        **views.task_view(row),
        "form": {"key": row.form_key, "schema": schema},
        "data": tasks.prefill_for(db(), row, schema, model.variables or {}),
        "business_key": model.business_key,
    }


@bp.post("/tasks/<task_id>/claim")
def claim(task_id: str) -> Any:
    user = current_user()
    assert user is not None
    return views.task_view(tasks.claim(db(), user, task_id))


@bp.post("/tasks/<task_id>/unclaim")
def unclaim(task_id: str) -> Any:
    user = current_user()
    assert user is not None
    return views.task_view(tasks.unclaim(db(), user, task_id))


@bp.post("/tasks/<task_id>/complete")
def complete(task_id: str) -> Any:
    user = current_user()
    assert user is not None
    body = json_body()
    data = body.get("data", {})
    if not isinstance(data, dict):
        raise BadRequest(
            "data must be an object", code="bad_field", details=[{"field": "data", "message": "must be an object"}]
        )
    model = tasks.complete(runtime(), db(), user, task_id, data)
    return {"instance": _instance_json(model.id)}


# --- simulated clock (SIMULATED_CLOCK=1 only) -------------------------------------------
def _simulated_clock_only() -> None:
    if not runtime().settings.simulated_clock:
        raise NotFound("the simulated clock is off (SIMULATED_CLOCK=1 turns it on)", code="not_found")


@bp.get("/admin/clock")
def get_clock() -> Any:
    _simulated_clock_only()
    require_role("admin")
    return {"now": clock.now().isoformat(), "simulated": True}


@bp.post("/admin/clock")
def move_clock() -> Any:
    _simulated_clock_only()
    require_role("admin")
    target = clock_target(json_body(), clock.now())
    db().rollback()  # firing runs one transaction per instance; don't hold this request's lock
    moved = timer_firing.advance_clock(runtime(), to=target)
    return {"now": clock.now().isoformat(), "fired": moved.fired, "timers": [asdict(t) for t in moved.timers]}


# --- complaints and notifications -----------------------------------------------------------
@bp.post("/process-instances/<int:instance_id>/repeat-contact")
def repeat_contact(instance_id: int) -> Any:
    user = current_user()
    assert user is not None
    body = json_body()
    model = instances.get_viewable(db(), user, instance_id)
    result = complaints.record_repeat_contact(
        runtime(), db(), model, user.username, note=body.get("note", ""), channel=body.get("channel", "phone")
    )
    return {**result, "instance": _instance_json(instance_id)}


@bp.get("/notifications")
def list_notifications() -> Any:
    user = current_user()
    assert user is not None
    rows = notifications.for_user(db(), user, unread_only=request.args.get("unread") in ("1", "true"))
    unread = notifications.unread_count(db(), user)
    return {
        "items": [views.notification_view(n) for n in rows],
        "unread": min(unread, notifications.UNREAD_CAP),
        "unread_is_exact": unread <= notifications.UNREAD_CAP,
    }


@bp.post("/notifications/<int:notification_id>/read")
def read_notification(notification_id: int) -> Any:
    user = current_user()
    assert user is not None
    return views.notification_view(notifications.mark_read(db(), user, notification_id))


@bp.post("/notifications/read-all")
def read_all_notifications() -> Any:
    user = current_user()
    assert user is not None
    return {"marked": notifications.mark_all_read(db(), user)}


from app.api import admin_actions  # noqa: E402  (its routes register on bp)
from app.api import attachments as _attachments  # noqa: E402,F401  (its routes, on this blueprint)
from app.api import definition_files as _definition_files  # noqa: E402,F401  (its routes, on this blueprint)
from app.api import definitions as _definitions  # noqa: E402, F401  (routes on ``bp``; imported last)
from app.api import drafts as _drafts  # noqa: E402,F401  (its routes, on this blueprint)
from app.api import findings as _findings  # noqa: E402,F401  (responsibility findings, on this blueprint)
from app.api import form_preview as _form_preview  # noqa: E402,F401  (the form editor's preview, on this blueprint)
from app.api import migrate as _migrate  # noqa: E402,F401  (its route, on this blueprint)
from app.api import reports as _reports  # noqa: E402,F401  (the reports, on this blueprint)
from app.api import sales_volumes as _sales_volumes  # noqa: E402,F401  (sales volumes, on this blueprint)
from app.api import simulations as _simulations  # noqa: E402,F401  (its routes, on this blueprint)
from app.api import validation as _validation  # noqa: E402,F401  (validate, handlers, groups: on this blueprint)
from app.api import versions as _versions  # noqa: E402,F401  (diff and bulk migration routes, on this blueprint)

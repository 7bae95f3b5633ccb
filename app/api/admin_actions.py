"""API routes of the admin actions (contract "Admin actions"): reassign a task, fire a timer
now, edit variables under the optimistic lock (``If-Match``), terminate with a reason."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from app.api import views
from app.api.blueprint import bp, require_role
from app.api.request_input import json_body
from app.http import db, runtime
from app.services import admin_actions, instances, timer_firing
from app.services.instance_details import describe


def instance_answer(instance_id: int, **extra: Any) -> Any:
    """The instance as ``GET /process-instances/{id}`` shows it, with its ``ETag``."""
    model = instances.get(db(), instance_id)
    d = describe(runtime(), db(), model)
    shown = views.instance_view(d.instance, d.tasks, d.timers, d.history, d.incidents, d.exclusions, d.links, d.batch)
    response = jsonify({**shown, **extra})
    response.headers["ETag"] = admin_actions.etag(model)
    return response


def _body() -> dict[str, Any]:
    """The JSON body; none at all reads as ``{}`` (the service then names what is missing)."""
    return json_body() if request.get_data() else {}


@bp.post("/tasks/<task_id>/assign")
def assign_task(task_id: str) -> Any:
    user = require_role("admin")
    body = _body()
    row = admin_actions.assign(db(), user.username, task_id, body.get("username"), body.get("reason"))
    return views.task_view(row)


@bp.post("/process-instances/<int:instance_id>/timers/<element_id>/fire")
def fire_timer(instance_id: int, element_id: str) -> Any:
    user = require_role("admin")
    model = instances.get(db(), instance_id)
    row = timer_firing.fire_now(runtime(), db(), model, element_id, user.username)
    fired = {"element_id": row.element_id, "name": row.name, "fired_at": views.iso(row.fired_at)}
    return instance_answer(instance_id, fired_timer=fired)


@bp.patch("/process-instances/<int:instance_id>/variables")
def edit_variables(instance_id: int) -> Any:
    user = require_role("admin")
    model = instances.get(db(), instance_id)
    seen = admin_actions.version_from_if_match(model, request.headers.get("If-Match"))
    body = _body()
    admin_actions.edit_variables(
        runtime(), db(), model, body.get("set"), body.get("reason"), seen_version=seen, actor=user.username
    )
    return instance_answer(instance_id)


@bp.post("/process-instances/<int:instance_id>/terminate")
def terminate(instance_id: int) -> Any:
    user = require_role("admin")
    body = _body()
    model = instances.get(db(), instance_id)
    instances.apply_admin_action(runtime(), db(), model, "terminate", user.username, reason=body.get("reason"))
    return instance_answer(instance_id)

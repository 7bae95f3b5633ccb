"""OpenAPI paths of the admin actions (``app.api.admin_actions``), merged into the document."""

from __future__ import annotations

from typing import Any

from app.api.openapi_operations import json_object, op, path_param, ref, resp

_REASON = {"type": "string", "minLength": 1, "maxLength": 2000}
_PRECONDITION_REQUIRED = {"428": {"description": "If-Match is required (the ETag of GET /process-instances/{id})"}}
_INSTANCE_ID = path_param("id", "integer")


def _admin_action(
    summary: str, answer: str, answer_schema: str, params: list[dict[str, Any]], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An admin's action on a task or an instance: 401, 403, 404 and 409 besides a JSON answer."""
    ok = {"200": resp(answer, ref(answer_schema))}
    return op(summary, ok, 401, 403, 404, 409, tag="admin", params=params, body=body)


def admin_paths() -> dict[str, Any]:
    """Reassign, fire a timer now, edit variables under If-Match, terminate with a reason."""
    patch = _admin_action(
        "Set variables (admin), with If-Match: <ETag>; audited with the reason",
        "Instance (new ETag in the header)",
        "Instance",
        [_INSTANCE_ID, {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}}],
        json_object({"set": {"type": "object"}, "reason": _REASON}, ["set", "reason"]),
    )
    patch["responses"].update(_PRECONDITION_REQUIRED)
    return {
        "/tasks/{id}/assign": {
            "post": _admin_action(
                "Assign a ready task to a person who may act on it (admin); 422 names username otherwise, "
                "403 conflict_of_interest with the reason for a person excluded from it",
                "Task",
                "Task",
                [path_param("id")],
                json_object({"username": {"type": "string"}, "reason": _REASON}, ["username", "reason"]),
            )
        },
        "/process-instances/{id}/timers/{element_id}/fire": {
            "post": _admin_action(
                "Fire a pending timer now (admin); answers after it fired and its consequences ran",
                "Instance, with fired_timer",
                "Instance",
                [_INSTANCE_ID, path_param("element_id")],
            )
        },
        "/process-instances/{id}/variables": {"patch": patch},
        "/process-instances/{id}/terminate": {
            "post": _admin_action(
                "Terminate an instance (admin); the reason is required and kept in its history",
                "Instance",
                "Instance",
                [_INSTANCE_ID],
                json_object({"reason": _REASON}, ["reason"]),
            )
        },
        "/process-instances/{id}/migrate": {"post": _migrate()},
    }


def _migrate() -> dict[str, Any]:
    changes = {
        "type": "array",
        "items": {
            "type": "object",
            "properties": {
                "element_id": {"type": "string"},
                "change": {"type": "string", "enum": ["added", "removed", "changed"]},
            },
        },
    }
    answer = {
        "type": "object",
        "properties": {"migrated": {"type": "boolean"}, "changes": changes},
        "required": ["migrated", "changes"],
    }
    return op(
        "Move an instance onto another version of its process (admin); dry_run only lists the changes. "
        "409 when it is not running/suspended/in error, already on that version, or an element it is at "
        "(or passed) has no counterpart in the target (details name each element_id)",
        {"200": resp("Migration result", answer)},
        401,
        403,
        404,
        409,
        tag="admin",
        params=[_INSTANCE_ID],
        body=json_object(
            {"to_version": {"type": "integer", "minimum": 1}, "dry_run": {"type": "boolean", "default": False}},
            ["to_version"],
        ),
    )

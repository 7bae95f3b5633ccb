"""OpenAPI paths of the admin actions (``app.api.admin_actions``), merged into the document."""

from __future__ import annotations

from typing import Any

from app.api.openapi import _op, _p, _ref, _resp

_REASON = {"type": "string", "minLength": 1, "maxLength": 2000}
_PRECONDITION_REQUIRED = {"428": {"description": "If-Match is required (the ETag of GET /process-instances/{id})"}}


def _body(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    schema = {"type": "object", "properties": properties, "required": required}
    return {"application/json": {"schema": schema}}


def admin_paths() -> dict[str, Any]:
    """Reassign, fire a timer now, edit variables under If-Match, terminate with a reason."""
    patch = _op(
        "Set variables (admin), with If-Match: <ETag>; audited with the reason",
        {"200": _resp("Instance (new ETag in the header)", _ref("Instance"))},
        401,
        403,
        404,
        409,
        tag="admin",
        params=[
            _p("id", "integer"),
            {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"}},
        ],
        body=_body({"set": {"type": "object"}, "reason": _REASON}, ["set", "reason"]),
    )
    patch["responses"].update(_PRECONDITION_REQUIRED)
    return {
        "/tasks/{id}/assign": {
            "post": _op(
                "Assign a ready task to a person who may act on it (admin); 422 names username otherwise",
                {"200": _resp("Task", _ref("Task"))},
                401,
                403,
                404,
                409,
                tag="admin",
                params=[_p("id")],
                body=_body({"username": {"type": "string"}, "reason": _REASON}, ["username", "reason"]),
            )
        },
        "/process-instances/{id}/timers/{element_id}/fire": {
            "post": _op(
                "Fire a pending timer now (admin); answers after it fired and its consequences ran",
                {"200": _resp("Instance, with fired_timer", _ref("Instance"))},
                401,
                403,
                404,
                409,
                tag="admin",
                params=[_p("id", "integer"), _p("element_id")],
            )
        },
        "/process-instances/{id}/variables": {"patch": patch},
        "/process-instances/{id}/terminate": {
            "post": _op(
                "Terminate an instance (admin); the reason is required and kept in its history",
                {"200": _resp("Instance", _ref("Instance"))},
                401,
                403,
                404,
                409,
                tag="admin",
                params=[_p("id", "integer")],
                body=_body({"reason": _REASON}, ["reason"]),
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
    return _op(
        "Move an instance onto another version of its process (admin); dry_run only lists the changes. "
        "409 when it is not running/suspended/in error, already on that version, or an element it is at "
        "(or passed) has no counterpart in the target (details name each element_id)",
        {"200": _resp("Migration result", answer)},
        401,
        403,
        404,
        409,
        tag="admin",
        params=[_p("id", "integer")],
        body=_body(
            {"to_version": {"type": "integer", "minimum": 1}, "dry_run": {"type": "boolean", "default": False}},
            ["to_version"],
        ),
    )

"""The OpenAPI 3.1 document served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from functools import cache
from typing import Any

from app.api.openapi_admin import admin_paths
from app.api.openapi_attachments import attachment_paths
from app.api.openapi_bundles import definition_paths
from app.api.openapi_diagram import diagram_paths
from app.api.openapi_drafts import draft_paths
from app.api.openapi_findings import finding_paths
from app.api.openapi_forms import form_paths
from app.api.openapi_instance_search import CSV_OK
from app.api.openapi_operations import json_object, op, path_param, query_param, ref, resp
from app.api.openapi_reports import report_paths, sales_volume_paths
from app.api.openapi_schemas import (
    _TIME,
    INSTANCE_LIST_OK,
    INSTANCE_LIST_PARAMS,
    SCHEMAS,
    TASK_LIST_OK,
    TASK_LIST_PARAMS,
)
from app.api.openapi_simulations import simulation_paths
from app.api.openapi_validation import validation_paths
from app.api.openapi_versions import version_paths

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[\\x21-\\x7e]+$"},
    "description": (
        "A key of your choice (e.g. a UUID) for this start, sent again with every retry of it. "
        "Within IDEMPOTENCY_KEY_SECONDS (default 24 hours) a request with the same key and the same "
        "body gets the first answer again (same status and body, header Idempotent-Replayed: true) "
        "and starts nothing; the same key with another body is refused with 422 "
        "idempotency_key_reused; while the first request is still running, 409 "
        "idempotency_key_in_use. Keys are per user; a start that failed is not remembered."
    ),
}


@cache
def openapi_document() -> dict[str, Any]:
    """The whole document; built once."""
    paths: dict[str, Any] = {
        "/health": {"get": op("Readiness", {"200": resp("Ready")}, 503, tag="system")},
        "/auth/token": {
            "post": op(
                "Get a bearer token",
                {
                    "200": resp(
                        "Token", {"type": "object", "properties": {"token": {"type": "string"}, "user": ref("User")}}
                    )
                },
                400,
                401,
                tag="auth",
                body=json_object(
                    {"username": {"type": "string"}, "password": {"type": "string"}}, ["username", "password"]
                ),
            )
        },
        "/me": {"get": op("The caller", {"200": resp("User", ref("User"))}, 401, tag="auth")},
        "/auth/logout": {
            "post": op(
                "Revoke every token and browser session of the caller", {"200": resp("Revoked")}, 401, 403, tag="auth"
            )
        },
        "/me/password": {
            "post": op(
                "Change one's password; other tokens and sessions are revoked, a new token is returned",
                {"200": resp("New token", {"type": "object", "properties": {"token": {"type": "string"}}})},
                400,
                401,
                403,
                422,
                tag="auth",
                body=json_object(
                    {"current_password": {"type": "string"}, "new_password": {"type": "string"}},
                    ["current_password", "new_password"],
                ),
            )
        },
        "/process-instances": {
            "post": op(
                "Start an instance (403 unless the process lists the caller as a starter)",
                {"201": resp("Started (or, for a repeated Idempotency-Key, the first answer)", ref("InstanceSummary"))},
                400,
                401,
                403,
                404,
                409,
                422,
                params=[IDEMPOTENCY_KEY],
                body=json_object({"process_key": {"type": "string"}, "variables": {"type": "object"}}, ["process_key"]),
                tag="instances",
            ),
            "get": op(
                "Search instances, newest first, one bounded page at a time",
                {"200": INSTANCE_LIST_OK},
                400,
                401,
                params=INSTANCE_LIST_PARAMS,
                tag="instances",
            ),
        },
        "/process-instances/{id}": {
            "get": op(
                "An instance with tasks, timers and history",
                {"200": resp("Instance", ref("Instance"))},
                401,
                404,
                params=[path_param("id", "integer")],
                tag="instances",
            )
        },
        "/tasks": {
            "get": op(
                "Ready tasks the caller may act on, one bounded page at a time",
                {"200": TASK_LIST_OK},
                400,
                401,
                params=TASK_LIST_PARAMS,
                tag="tasks",
            )
        },
        "/tasks/{id}": {
            "get": op(
                "A task with its form schema and prefill data",
                {"200": resp("Task", ref("TaskDetail"))},
                401,
                403,
                404,
                params=[path_param("id")],
                tag="tasks",
            )
        },
        "/tasks/{id}/complete": {
            "post": op(
                "Complete a task with form data (403 conflict_of_interest, with the reason, for an excluded person)",
                {
                    "200": resp(
                        "The instance after completion",
                        {"type": "object", "properties": {"instance": ref("Instance")}},
                    )
                },
                400,
                401,
                403,
                404,
                409,
                422,
                params=[path_param("id")],
                tag="tasks",
                body=json_object({"data": {"type": "object"}}),
            )
        },
    }
    for action in ("claim", "unclaim"):
        paths[f"/tasks/{{id}}/{action}"] = {
            "post": op(
                f"{action.title()} a task",
                {"200": resp("Task", ref("Task"))},
                401,
                403,
                404,
                409,
                params=[path_param("id")],
                tag="tasks",
            )
        }
    paths["/process-instances.csv"] = {
        "get": op(
            "The filtered instance list as a CSV file (the list's filters)",
            {"200": CSV_OK},
            400,
            401,
            params=[p for p in INSTANCE_LIST_PARAMS if p["name"] not in ("page", "per_page", "cursor", "format")],
            tag="instances",
        )
    }
    obj = {"type": "object"}
    paths["/process-instances/{id}/repeat-contact"] = {
        "post": op(
            "Record that the customer contacted us again (secondary complaint, 3+ calls → level C)",
            {"200": resp("Contact count, severity and the instance", obj)},
            400,
            401,
            403,
            404,
            409,
            422,
            params=[path_param("id", "integer")],
            body=json_object({"note": {"type": "string"}, "channel": {"type": "string"}}),
            tag="instances",
        )
    }
    paths["/notifications"] = {
        "get": op(
            "The caller's notifications (tasks that reached them, escalations, reminders): the newest 100; "
            "``unread`` counts at most 999 (``unread_is_exact`` false beyond)",
            {"200": resp("List", obj)},
            401,
            params=[query_param("unread", desc="1: unread only")],
            tag="notifications",
        )
    }
    paths["/notifications/{id}/read"] = {
        "post": op(
            "Mark one read",
            {"200": resp("Notification", obj)},
            401,
            404,
            params=[path_param("id", "integer")],
            tag="notifications",
        )
    }
    paths["/notifications/read-all"] = {
        "post": op("Mark all read", {"200": resp("Count", obj)}, 401, tag="notifications")
    }
    paths["/admin/clock"] = {
        "get": op("Simulated clock (SIMULATED_CLOCK=1 only)", {"200": resp("Now", obj)}, 401, 403, 404, tag="admin"),
        "post": op(
            "Move the simulated clock forward; fires every timer that became due, in order",
            {"200": resp("Now and timers fired", obj)},
            400,
            401,
            403,
            404,
            409,
            422,
            tag="admin",
            body=json_object({"advance_seconds": {"type": "number"}, "now": _TIME}),
        ),
    }
    for action in ("suspend", "resume", "terminate", "retry"):
        paths[f"/process-instances/{{id}}/{action}"] = {
            "post": op(
                f"{action.title()} an instance (admin)",
                {"200": resp("Instance", ref("Instance"))},
                401,
                403,
                404,
                409,
                params=[path_param("id", "integer")],
                tag="instances",
            )
        }
    for area_paths in (
        definition_paths(),
        diagram_paths(),
        validation_paths(),
        attachment_paths(),
        admin_paths(),
        simulation_paths(),
        draft_paths(),
        form_paths(),
        version_paths(),
        report_paths(),
        sales_volume_paths(),
        finding_paths(),
    ):
        paths.update(area_paths)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Complaint handling workflow API",
            "version": "1.0.0",
            "description": "REST contract v1; errors are {error: {code, message, details}}.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {"schemas": SCHEMAS, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "paths": paths,
    }

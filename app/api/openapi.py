"""The OpenAPI 3.1 document served at ``/api/v1/openapi.json``."""

from __future__ import annotations

from functools import cache
from typing import Any

from app.api.openapi_attachments import attachment_paths
from app.api.openapi_instance_search import CSV_OK
from app.api.openapi_schemas import (
    _TIME,
    INSTANCE_LIST_OK,
    INSTANCE_LIST_PARAMS,
    SCHEMAS,
    TASK_LIST_OK,
    TASK_LIST_PARAMS,
)

_ERR = {"$ref": "#/components/schemas/Error"}


def _resp(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def _errors(*codes: int) -> dict[str, Any]:
    names = {
        400: "Malformed request",
        401: "Not authenticated",
        403: "Not allowed",
        404: "Unknown",
        409: "Conflict: state changed under you",
        413: "Too large",
        415: "The body is not application/json",
        422: "Invalid content (details name the field or BPMN element)",
        503: "Not ready",
    }
    return {str(c): _resp(names[c], _ERR) for c in codes}


def _op(
    summary: str,
    ok: dict[str, Any],
    *errors: int,
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    tag: str = "",
) -> dict[str, Any]:
    if body is not None and "application/json" in body:  # every JSON body: media type, text and depth checks
        errors = tuple(sorted({*errors, 415, 422}))
    op: dict[str, Any] = {"summary": summary, "tags": [tag] if tag else [], "responses": {**ok, **_errors(*errors)}}
    if body is not None:
        op["requestBody"] = {"required": True, "content": body}
    if params:
        op["parameters"] = params
    return op


def _q(name: str, typ: str = "string", desc: str = "") -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": {"type": typ}, "description": desc}


def _p(name: str, typ: str = "string") -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": typ}}


def _json(ref: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


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
    from app.api.openapi_bundles import DEPLOY_BODY, bundle_paths

    paths: dict[str, Any] = {
        "/health": {"get": _op("Readiness", {"200": _resp("Ready")}, 503, tag="system")},
        "/auth/token": {
            "post": _op(
                "Get a bearer token",
                {
                    "200": _resp(
                        "Token", {"type": "object", "properties": {"token": {"type": "string"}, "user": _ref("User")}}
                    )
                },
                400,
                401,
                tag="auth",
                body={
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["username", "password"],
                            "properties": {"username": {"type": "string"}, "password": {"type": "string"}},
                        }
                    }
                },
            )
        },
        "/me": {"get": _op("The caller", {"200": _resp("User", _ref("User"))}, 401, tag="auth")},
        "/auth/logout": {
            "post": _op(
                "Revoke every token and browser session of the caller", {"200": _resp("Revoked")}, 401, 403, tag="auth"
            )
        },
        "/me/password": {
            "post": _op(
                "Change one's password; other tokens and sessions are revoked, a new token is returned",
                {"200": _resp("New token", {"type": "object", "properties": {"token": {"type": "string"}}})},
                400,
                401,
                403,
                422,
                tag="auth",
                body={
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["current_password", "new_password"],
                            "properties": {
                                "current_password": {"type": "string"},
                                "new_password": {"type": "string"},
                            },
                        }
                    }
                },
            )
        },
        "/process-definitions": {
            "get": _op(
                "Latest version of each process",
                {"200": _resp("Definitions", {"type": "array", "items": _ref("Definition")})},
                401,
                params=[_q("all", desc="1: every version")],
                tag="definitions",
            ),
            "post": _op(
                "Deploy a BPMN diagram or a bundle of diagrams, decision tables and forms with a note (analyst, admin)",
                {
                    "201": _resp("New versions", {"type": "array", "items": _ref("Definition")}),
                    "200": _resp("Unchanged: existing versions"),
                },
                401,
                403,
                413,
                422,
                body=DEPLOY_BODY,
                tag="definitions",
            ),
        },
        "/process-definitions/{key}/versions/{version}/xml": {
            "get": _op(
                "The BPMN XML of a version",
                {"200": {"description": "XML", "content": {"application/xml": {"schema": {"type": "string"}}}}},
                401,
                404,
                params=[_p("key"), _p("version", "integer")],
                tag="definitions",
            )
        },
        "/process-definitions/{key}/versions/{version}/statistics": {
            "get": _op(
                "A version's instances per status and live tokens per element (analyst, admin)",
                {"200": _resp("Statistics", _ref("DefinitionStatistics"))},
                401,
                403,
                404,
                params=[_p("key"), _p("version", "integer")],
                tag="definitions",
            )
        },
        "/process-instances": {
            "post": _op(
                "Start an instance (403 unless the process lists the caller as a starter)",
                {
                    "201": _resp(
                        "Started (or, for a repeated Idempotency-Key, the first answer)", _ref("InstanceSummary")
                    )
                },
                400,
                401,
                403,
                404,
                409,
                422,
                params=[IDEMPOTENCY_KEY],
                body={
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["process_key"],
                            "properties": {"process_key": {"type": "string"}, "variables": {"type": "object"}},
                        }
                    }
                },
                tag="instances",
            ),
            "get": _op(
                "Search instances, newest first, one bounded page at a time",
                {"200": INSTANCE_LIST_OK},
                400,
                401,
                params=INSTANCE_LIST_PARAMS,
                tag="instances",
            ),
        },
        "/process-instances/{id}": {
            "get": _op(
                "An instance with tasks, timers and history",
                {"200": _resp("Instance", _ref("Instance"))},
                401,
                404,
                params=[_p("id", "integer")],
                tag="instances",
            )
        },
        "/tasks": {
            "get": _op(
                "Ready tasks the caller may act on, one bounded page at a time",
                {"200": TASK_LIST_OK},
                400,
                401,
                params=TASK_LIST_PARAMS,
                tag="tasks",
            )
        },
        "/tasks/{id}": {
            "get": _op(
                "A task with its form schema and prefill data",
                {"200": _resp("Task", _ref("TaskDetail"))},
                401,
                403,
                404,
                params=[_p("id")],
                tag="tasks",
            )
        },
        "/tasks/{id}/complete": {
            "post": _op(
                "Complete a task with form data",
                {
                    "200": _resp(
                        "The instance after completion",
                        {"type": "object", "properties": {"instance": _ref("Instance")}},
                    )
                },
                400,
                401,
                403,
                404,
                409,
                422,
                params=[_p("id")],
                tag="tasks",
                body={"application/json": {"schema": {"type": "object", "properties": {"data": {"type": "object"}}}}},
            )
        },
    }
    for action in ("claim", "unclaim"):
        paths[f"/tasks/{{id}}/{action}"] = {
            "post": _op(
                f"{action.title()} a task",
                {"200": _resp("Task", _ref("Task"))},
                401,
                403,
                404,
                409,
                params=[_p("id")],
                tag="tasks",
            )
        }
    paths["/process-instances.csv"] = {
        "get": _op(
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
        "post": _op(
            "Record that the customer contacted us again (secondary complaint, 3+ calls → level C)",
            {"200": _resp("Contact count, severity and the instance", obj)},
            400,
            401,
            403,
            404,
            409,
            422,
            params=[_p("id", "integer")],
            body={
                "application/json": {
                    "schema": {
                        "type": "object",
                        "properties": {"note": {"type": "string"}, "channel": {"type": "string"}},
                    }
                }
            },
            tag="instances",
        )
    }
    paths["/notifications"] = {
        "get": _op(
            "The caller's notifications (tasks that reached them, escalations, reminders): the newest 100; "
            "``unread`` counts at most 999 (``unread_is_exact`` false beyond)",
            {"200": _resp("List", obj)},
            401,
            params=[_q("unread", desc="1: unread only")],
            tag="notifications",
        )
    }
    paths["/notifications/{id}/read"] = {
        "post": _op(
            "Mark one read",
            {"200": _resp("Notification", obj)},
            401,
            404,
            params=[_p("id", "integer")],
            tag="notifications",
        )
    }
    paths["/notifications/read-all"] = {
        "post": _op("Mark all read", {"200": _resp("Count", obj)}, 401, tag="notifications")
    }
    paths["/admin/clock"] = {
        "get": _op("Simulated clock (SIMULATED_CLOCK=1 only)", {"200": _resp("Now", obj)}, 401, 403, 404, tag="admin"),
        "post": _op(
            "Move the simulated clock forward; fires every timer that became due, in order",
            {"200": _resp("Now and timers fired", obj)},
            400,
            401,
            403,
            404,
            409,
            422,
            tag="admin",
            body={
                "application/json": {
                    "schema": {"type": "object", "properties": {"advance_seconds": {"type": "number"}, "now": _TIME}}
                }
            },
        ),
    }
    for action in ("suspend", "resume", "terminate", "retry"):
        paths[f"/process-instances/{{id}}/{action}"] = {
            "post": _op(
                f"{action.title()} an instance (admin)",
                {"200": _resp("Instance", _ref("Instance"))},
                401,
                403,
                404,
                409,
                params=[_p("id", "integer")],
                tag="instances",
            )
        }
    from app.api.openapi_diagram import diagram_paths

    paths.update(diagram_paths(_op, _resp, _p))
    from app.api.openapi_validation import validation_paths

    paths.update(validation_paths(_op, _resp, DEPLOY_BODY))
    paths.update(bundle_paths(_op, _resp, _p))
    paths.update(attachment_paths())
    from app.api.openapi_admin import admin_paths  # here: it builds on this module's helpers

    paths.update(admin_paths())
    from app.api.openapi_simulations import simulation_paths

    paths.update(simulation_paths())
    from app.api.openapi_drafts import draft_paths  # here: it builds on this module's helpers

    paths.update(draft_paths())
    from app.api.openapi_forms import form_paths

    paths.update(form_paths(_op, _resp))
    from app.api.openapi_versions import version_paths  # here: it builds on this module's helpers

    paths.update(version_paths())
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

"""OpenAPI paths of the analysts' drafts and the timer preview (``app.api.drafts``), merged into the document."""

from __future__ import annotations

from typing import Any

from app.api.openapi_operations import json_object, op, path_param, resp
from app.engine.timer_preview import KINDS
from app.services.draft_files import MAX_FILES

DRAFT = {
    "type": "object",
    "required": ["id", "name", "owner", "process_key", "base_version", "updated_at", "lock_version", "files"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string", "maxLength": 200},
        "owner": {"type": "string"},
        "process_key": {"type": ["string", "null"], "description": "the process the draft's diagram declares"},
        "base_version": {"type": ["integer", "null"], "description": "the deployed version it was copied from"},
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "lock_version": {"type": "integer", "description": "send it (or the ETag) as If-Match to change the draft"},
        "files": {
            "type": "array",
            "maxItems": MAX_FILES,
            "items": {"type": "string", "description": "<key>.bpmn, <table>.dmn or forms/<key>.json"},
        },
    },
}
_ID = path_param("id", "integer")
_NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "<key>.bpmn, <table>.dmn or forms/<key>.json (the slash of forms/ included)",
}
_IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": True,
    "schema": {"type": "string"},
    "description": "the draft's ETag or its lock_version",
}
_LOCKED = {
    "409": {"description": "the draft changed since that If-Match (details: the current lock_version)"},
    "428": {"description": "If-Match is required"},
}
_CREATE = {
    "application/json": {
        "schema": {
            "oneOf": [
                {
                    "type": "object",
                    "required": ["from"],
                    "properties": {
                        "from": {
                            "type": "object",
                            "required": ["process_key", "version"],
                            "properties": {"process_key": {"type": "string"}, "version": {"type": "integer"}},
                        },
                        "name": {"type": "string"},
                    },
                },
                {"type": "object", "required": ["xml"], "properties": {"name": {"type": "string"}, "xml": {}}},
                {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            ]
        }
    },
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["file"],
            "properties": {"file": {"type": "string", "format": "binary"}, "name": {"type": "string"}},
        }
    },
}
PREVIEW = {
    "type": "object",
    "required": ["valid", "due", "due_local", "message"],
    "properties": {
        "valid": {"type": "boolean"},
        "due": {"type": ["string", "null"], "format": "date-time"},
        "due_local": {"type": ["string", "null"], "description": "YYYY-MM-DD HH:MM in the business time zone"},
        "message": {"type": "string", "description": "'due … if it started now', or why the value is refused"},
        "cycles": {"type": "integer", "description": "timeCycle: how many times it repeats"},
        "interval_seconds": {"type": "number"},
        "reason": {"type": "string", "description": "due, first_due, or why it is refused (empty, failed, ...)"},
        "params": {"type": "object", "description": "the values the message names (due, value, kind, error, ...)"},
        "localized_message": {"type": "string", "description": "the message in the request's language"},
    },
}


def _locked(operation: dict[str, Any]) -> dict[str, Any]:
    operation["responses"].update(_LOCKED)
    return operation


def draft_paths() -> dict[str, Any]:
    """Drafts (analyst or admin; a draft is its owner's, an admin reads any) and the timer preview."""
    draft = resp("Draft (its ETag in the header)", DRAFT)
    file_body = {"*/*": {"schema": {"type": "string", "description": "the file's text (XML or JSON)"}}}
    return {
        "/drafts": {
            "get": op(
                "My drafts, most recently changed first (at most 100)",
                {"200": resp("Drafts", {"type": "array", "items": DRAFT})},
                401,
                403,
                tag="workbench",
            ),
            "post": op(
                "New draft: from a deployed version (its diagram and forms), from XML, blank, or an uploaded .bpmn",
                {"201": draft},
                401,
                403,
                404,
                409,
                413,
                body=_CREATE,
                tag="workbench",
            ),
        },
        "/drafts/{id}": {
            "get": op("A draft and its files", {"200": draft}, 401, 403, 404, params=[_ID], tag="workbench"),
            "patch": _locked(
                op(
                    "Rename a draft",
                    {"200": draft},
                    401,
                    403,
                    404,
                    params=[_ID, _IF_MATCH],
                    body=json_object({"name": {}}),
                    tag="workbench",
                )
            ),
            "delete": op(
                "Delete a draft and its files (If-Match optional: 409 when stale)",
                {"204": {"description": "Deleted"}},
                401,
                403,
                404,
                409,
                params=[_ID],
                tag="workbench",
            ),
        },
        "/drafts/{id}/files/{name}": {
            "get": op(
                "A file of the draft (as an attachment)",
                {"200": {"description": "The file's text"}},
                401,
                403,
                404,
                422,
                params=[_ID, _NAME],
                tag="workbench",
            ),
            "put": _locked(
                op(
                    "Save a file of the draft (a diagram may not run yet, but must be BPMN XML; forms JSON objects)",
                    {"200": draft, "201": draft},
                    401,
                    403,
                    404,
                    413,
                    422,
                    params=[_ID, _NAME, _IF_MATCH],
                    body=file_body,
                    tag="workbench",
                )
            ),
            "delete": _locked(
                op(
                    "Remove a file from the draft",
                    {"200": draft},
                    401,
                    403,
                    404,
                    422,
                    params=[_ID, _NAME, _IF_MATCH],
                    tag="workbench",
                )
            ),
        },
        "/drafts/{id}/download": {
            "get": op(
                "The draft's diagram as a .bpmn attachment",
                {"200": {"description": "BPMN XML", "content": {"application/xml": {"schema": {"type": "string"}}}}},
                401,
                403,
                404,
                params=[_ID],
                tag="workbench",
            )
        },
        "/drafts/{id}/deploy": {
            "post": op(
                "Deploy the draft with a note; 422 with the deploy's details (element ids) when it cannot run",
                {
                    "201": resp("New versions", {"type": "object"}),
                    "200": resp("Nothing changed: the existing versions", {"type": "object"}),
                },
                401,
                403,
                404,
                body=json_object({"note": {"type": "string"}}),
                params=[_ID],
                tag="workbench",
            )
        },
        "/timers/preview": {
            "post": op(
                "When a timer would fall due if its element started now (product clock); a bad value: valid false",
                {"200": resp("Preview", PREVIEW)},
                401,
                403,
                body=json_object(
                    {
                        "kind": {"enum": list(KINDS)},
                        "expression": {"type": "string", "maxLength": 2000},
                        "variables": {"type": "object", "description": "sample process data"},
                    },
                    ["kind", "expression"],
                ),
                tag="workbench",
            )
        },
    }

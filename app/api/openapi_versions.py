"""OpenAPI paths of a process's versions (``app.api.versions``): the diff and the bulk migration."""

from __future__ import annotations

from typing import Any

from app.api.openapi_operations import json_object, op, path_param, resp
from app.engine.diagram_diff import ASPECTS

_IDS = {"type": "array", "items": {"type": "string"}}
_DIFF = {
    "type": "object",
    "required": ["added", "removed", "changed"],
    "properties": {
        "process_key": {"type": "string"},
        "from_version": {"type": "integer"},
        "to_version": {"type": "integer"},
        "added": {**_IDS, "description": "element ids only in version b"},
        "removed": {**_IDS, "description": "element ids only in version a"},
        "changed": {**_IDS, "description": "element ids in both whose meaning differs (the layout is ignored)"},
        "details": {
            "type": "object",
            "additionalProperties": _IDS,
            "description": f"changed element id -> what changed: {', '.join(ASPECTS)}",
        },
        "names": {"type": "object", "additionalProperties": {"type": "string"}},
        "types": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "BPMN element type; the collaboration's are listed too (participant: a pool, messageFlow)",
        },
    },
}
_CHANGES = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "element_id": {"type": "string"},
            "change": {"type": "string", "enum": ["added", "removed", "changed"]},
            "to_element_id": {"type": "string"},
        },
    },
}
_PLAN_ITEM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "business_key": {"type": ["string", "null"]},
        "status": {"type": "string"},
        "lock_version": {"type": "integer", "description": "send it back with the id to migrate only this state"},
        "can_migrate": {"type": "boolean"},
        "reason": {"type": ["string", "null"], "description": "why not, naming each element"},
        "blocking": {
            "type": "array",
            "items": {"type": "object"},
            "description": "{element_id, kind: at_removed / passed_removed / subprocess, message}",
        },
        "elements": {**_IDS, "description": "the active elements (where the case is)"},
        "changes": {**_CHANGES, "description": "the changes at its active elements"},
    },
}
_PLAN = {
    "type": "object",
    "properties": {
        "process_key": {"type": "string"},
        "from_version": {"type": "integer"},
        "to_version": {"type": "integer"},
        "items": {"type": "array", "items": _PLAN_ITEM},
        "next_cursor": {"type": ["string", "null"]},
    },
}
_RESULT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "outcome": {"type": "string", "enum": ["migrated", "refused", "conflict"]},
        "status": {"type": "integer", "description": "200 migrated; 404/409 refused; 409 conflict"},
        "code": {"type": "string"},
        "reason": {"type": "string"},
        "details": {"type": "array", "items": {"type": "object"}},
        "changes": _CHANGES,
    },
}
_ID_OR_LOCKED = {
    "oneOf": [
        {"type": "integer", "minimum": 1},
        {
            "type": "object",
            "required": ["id"],
            "properties": {"id": {"type": "integer"}, "lock_version": {"type": "integer"}},
        },
    ]
}


def _version_op(
    summary: str, ok: dict[str, Any], *errors: int, params: list[dict[str, Any]], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    """An analyst's or admin's operation on a process's versions: 401, 403 and 404 besides ``errors``."""
    return op(summary, ok, *sorted({401, 403, 404, *errors}), tag="definitions", params=params, body=body)


def version_paths() -> dict[str, Any]:
    """The diff of two versions; the dry run and the bulk migration of a version's cases."""
    version = [path_param("key"), path_param("version", "integer")]
    return {
        "/process-definitions/{key}/versions/{a}/diff/{b}": {
            "get": _version_op(
                "What changed from version a to version b, element by element (analyst, admin); a == b: empty",
                {"200": resp("Diff", _DIFF)},
                params=[path_param("key"), path_param("a", "integer"), path_param("b", "integer")],
            )
        },
        "/process-definitions/{key}/versions/{version}/migration-plan": {
            "post": _version_op(
                "Dry run of a bulk migration (analyst, admin): one page of the version's running, suspended "
                "and in-error cases (oldest first), each with whether it can move to to_version and why not",
                {"200": resp("Plan page", _PLAN)},
                400,
                409,
                params=version,
                body=json_object(
                    {
                        "to_version": {"type": "integer", "minimum": 1},
                        "limit": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50},
                        "cursor": {"type": "string", "description": "next_cursor of the previous page"},
                    },
                    ["to_version"],
                ),
            )
        },
        "/process-definitions/{key}/versions/{version}/migrate": {
            "post": _version_op(
                "Migrate the chosen cases of the version to to_version (analyst, admin): each all or nothing and "
                "audited; per case migrated, refused (reason) or conflict (changed since the dry run, or meanwhile)",
                {
                    "200": resp(
                        "Results", {"type": "object", "properties": {"results": {"type": "array", "items": _RESULT}}}
                    )
                },
                409,
                params=version,
                body=json_object(
                    {
                        "to_version": {"type": "integer", "minimum": 1},
                        "instance_ids": {"type": "array", "minItems": 1, "maxItems": 200, "items": _ID_OR_LOCKED},
                    },
                    ["to_version", "instance_ids"],
                ),
            )
        },
    }

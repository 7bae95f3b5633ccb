"""OpenAPI paths of the diagram viewer's reads (``app/api/diagram.py``)."""

from __future__ import annotations

from typing import Any

from app.api.openapi_operations import op, path_param, resp

_STATE = {"type": "string", "enum": ["completed", "active", "waiting", "failed", "cancelled"]}
_ELEMENT = {
    "type": "object",
    "required": ["state", "count"],
    "properties": {
        "state": _STATE,
        "count": {"type": "integer", "minimum": 1, "description": "how many times the element was reached"},
        "tasks": {"type": "array", "items": {"type": "object"}, "description": "open tasks: assignee, groups"},
        "timers": {"type": "array", "items": {"type": "object"}, "description": "pending timers: due_at"},
        "incidents": {"type": "array", "items": {"type": "object"}, "description": "open incidents: message"},
    },
}
DIAGRAM = {
    "type": "object",
    "required": ["process_key", "version", "xml_url", "elements", "flows_taken"],
    "properties": {
        "process_key": {"type": "string"},
        "version": {"type": "integer"},
        "xml_url": {"type": "string", "description": "the version's BPMN XML"},
        "status": {"type": "string"},
        "elements": {"type": "object", "additionalProperties": _ELEMENT, "description": "by BPMN element id"},
        "flows_taken": {"type": "array", "items": {"type": "string"}, "description": "sequence flow ids"},
        "incidents": {"type": "array", "items": {"type": "object"}},
        "calls": {
            "type": "object",
            "description": "by call activity id: the process it calls; for a process of another diagram the "
            "version the instance runs and that version's XML (its elements' states are in elements)",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "process_key": {"type": "string"},
                    "version": {"type": ["integer", "null"]},
                    "xml_url": {"type": ["string", "null"]},
                },
            },
        },
    },
}
HISTORY = {
    "type": "object",
    "properties": {
        "element_id": {"type": "string"},
        "items": {"type": "array", "items": {"type": "object"}, "description": "newest first, at most 200"},
    },
}


def diagram_paths() -> dict[str, Any]:
    """The viewer's reads of an instance."""
    return {
        "/process-instances/{id}/diagram": {
            "get": op(
                "What the diagram viewer draws: each reached element's state and count, the flows taken "
                "(404 also when the caller may not see the instance)",
                {"200": resp("Diagram state", DIAGRAM)},
                401,
                404,
                params=[path_param("id", "integer")],
                tag="instances",
            )
        },
        "/process-instances/{id}/elements/{element_id}/history": {
            "get": op(
                "One element's history: who, when, what data (newest first)",
                {"200": resp("History", HISTORY)},
                401,
                404,
                params=[path_param("id", "integer"), path_param("element_id")],
                tag="instances",
            )
        },
    }

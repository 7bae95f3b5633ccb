"""OpenAPI path of the form editor's checks and preview (``app/api/form_preview.py``)."""

from __future__ import annotations

from typing import Any

from app.api.openapi_operations import json_object, op, resp

_PROBLEM = {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}
PREVIEW = {
    "type": "object",
    "required": ["valid", "errors", "warnings", "html"],
    "properties": {
        "valid": {"type": "boolean"},
        "errors": {"type": "array", "items": _PROBLEM, "description": "the form cannot be used"},
        "warnings": {"type": "array", "items": _PROBLEM, "description": "e.g. a label missing in one language"},
        "html": {
            "type": ["object", "null"],
            "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
            "description": "the form drawn by the task page's renderer in each language (null when not valid)",
        },
    },
}


def form_paths() -> dict[str, Any]:
    """The form editor's check and preview."""
    return {
        "/forms/preview": {
            "post": op(
                "Check a user-task form (JSON Schema) and draw it in Chinese and English (analyst or admin)",
                {"200": resp("Checks and preview", PREVIEW)},
                401,
                403,
                body=json_object({"schema": {}}, ["schema"]),
                tag="definitions",
            )
        }
    }

"""OpenAPI paths of the analyst's checks (``app/api/validation.py``): validate, handlers, groups."""

from __future__ import annotations

from typing import Any

from app.api.openapi_bundles import DEPLOY_BODY
from app.api.openapi_operations import op, resp

_FINDING = {
    "type": "object",
    "required": ["element_id", "rule", "message"],
    "properties": {
        "element_id": {"type": ["string", "null"], "description": "null only for a document-level problem"},
        "rule": {"type": "string", "description": "rule id (bpmnlint's name where it is one); docs/validation.md"},
        "message": {"type": "string"},
        "file": {
            "type": "string",
            "description": "the diagram's file, when a bundle holds several; the form's file for form-unused",
        },
    },
}
VALIDATION = {
    "type": "object",
    "required": ["valid", "errors", "warnings"],
    "properties": {
        "valid": {"type": "boolean", "description": "no errors (warnings never block a deploy)"},
        "errors": {"type": "array", "items": _FINDING, "description": "what a deploy refuses with 422"},
        "warnings": {"type": "array", "items": _FINDING},
    },
}
_PARAMETER = {
    "type": "object",
    "required": ["name", "required", "type", "description"],
    "properties": {
        "name": {"type": "string"},
        "required": {"type": "boolean"},
        "type": {"type": "string", "enum": ["string", "number", "boolean", "object", "array", "any"]},
        "description": {"type": "string", "description": "in the caller's language"},
    },
}
HANDLER = {
    "type": "object",
    "required": ["name", "description", "parameters", "result"],
    "properties": {
        "name": {"type": "string", "description": "the serviceTaskOperator id"},
        "description": {"type": "string"},
        "parameters": {"type": "array", "items": _PARAMETER},
        "result": {"type": "array", "items": {"type": "string"}, "description": "keys of the returned object"},
        "declared": {"type": "boolean", "description": "false: registered without a declaration, calls unchecked"},
    },
}
GROUP = {
    "type": "object",
    "required": ["name", "label", "members"],
    "properties": {
        "name": {"type": "string", "description": "the group key a lane or candidateGroups names"},
        "label": {"type": "string", "description": "in the caller's language"},
        "members": {"type": "integer", "description": "active members"},
    },
}


def validation_paths() -> dict[str, Any]:
    """Validate a diagram or bundle; the handlers and groups a diagram may name."""
    return {
        "/process-definitions/validate": {
            "post": op(
                "Check a diagram before a deploy (analyst or admin): errors block a deploy, warnings do not; "
                "a body that is not a diagram is an error with rule 'xml' and element_id null. Several file parts "
                "are a bundle, read as a deploy reads it: a form no diagram uses is a form-unused warning",
                {"200": resp("Findings", VALIDATION)},
                400,
                401,
                403,
                413,
                body=DEPLOY_BODY,
                tag="definitions",
            )
        },
        "/handlers": {
            "get": op(
                "Service-task handlers with their parameters (analyst or admin; ?lang=zh|en)",
                {"200": resp("Handlers", {"type": "array", "items": HANDLER})},
                401,
                403,
                tag="definitions",
            )
        },
        "/groups": {
            "get": op(
                "Groups a lane or candidate group may name, with active member counts (analyst or admin)",
                {"200": resp("Groups", {"type": "array", "items": GROUP, "maxItems": 500})},
                401,
                403,
                tag="definitions",
            )
        },
    }

"""The building blocks every ``openapi_*`` module writes its operations with: responses, the
standard error answers, parameters and JSON bodies. It imports none of them, so each module can
import it at its top and ``openapi.py`` can import every module (no cycle)."""

from __future__ import annotations

from typing import Any

_ERR = {"$ref": "#/components/schemas/Error"}
_ERRORS = {
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


def resp(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """A response, with a JSON body when ``schema`` is given."""
    out: dict[str, Any] = {"description": description}
    if schema is not None:
        out["content"] = {"application/json": {"schema": schema}}
    return out


def op(
    summary: str,
    ok: dict[str, Any],
    *errors: int,
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
    tag: str = "",
) -> dict[str, Any]:
    """An operation: its success answers ``ok`` and the standard error answers with status ``errors``."""
    if body is not None and "application/json" in body:  # every JSON body: media type, text and depth checks
        errors = tuple(sorted({*errors, 415, 422}))
    responses = {**ok, **{str(c): resp(_ERRORS[c], _ERR) for c in errors}}
    out: dict[str, Any] = {"summary": summary, "tags": [tag] if tag else [], "responses": responses}
    if body is not None:
        out["requestBody"] = {"required": True, "content": body}
    if params:
        out["parameters"] = params
    return out


def query_param(name: str, typ: str = "string", desc: str = "") -> dict[str, Any]:
    """An optional query parameter."""
    return {"name": name, "in": "query", "required": False, "schema": {"type": typ}, "description": desc}


def path_param(name: str, typ: str = "string") -> dict[str, Any]:
    """A path parameter."""
    return {"name": name, "in": "path", "required": True, "schema": {"type": typ}}


def ref(name: str) -> dict[str, Any]:
    """A reference to a schema of the document's components."""
    return {"$ref": f"#/components/schemas/{name}"}


def json_object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    """A request body: one JSON object with these ``properties`` (``required`` ones, if any)."""
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return {"application/json": {"schema": schema}}


XML = {"description": "XML", "content": {"application/xml": {"schema": {"type": "string"}}}}

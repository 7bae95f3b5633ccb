"""OpenAPI of process definitions: the list, the deploy of a diagram or a bundle (its body forms), and a
version's XML, statistics and own files (``app/api/blueprint.py``, ``app/api/bundle_input.py``,
``app/api/definitions.py``, ``app/api/definition_files.py``)."""

from __future__ import annotations

from typing import Any

from app.api.openapi_operations import XML, op, path_param, query_param, ref, resp

# POST /process-definitions: a raw BPMN document, or a multipart bundle
DEPLOY_BODY = {
    "application/xml": {"schema": {"type": "string", "description": "one BPMN document; ?note= gives the note"}},
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {
                    "type": "array",
                    "maxItems": 64,
                    "items": {"type": "string", "format": "binary"},
                    "description": "one part per diagram (<key>.bpmn), decision table (<name>.dmn) and form "
                    "(forms/<key>.json, or <key>.json); each part's filename is the file's name. A form the "
                    "diagram uses and the bundle lacks is taken from the previous version, else forms/. "
                    "422 names each refused file (details[].file).",
                },
                "note": {"type": "string", "maxLength": 2000, "description": "the change note of the deploy"},
            },
        }
    },
}

_FILE = {
    "type": "object",
    "required": ["name", "kind", "sha256", "size"],
    "properties": {
        "name": {"type": "string", "description": "forms/<key>.json or <name>.dmn"},
        "kind": {"type": "string", "enum": ["form", "dmn"]},
        "sha256": {"type": "string"},
        "size": {"type": "integer", "description": "bytes"},
    },
}


def definition_paths() -> dict[str, Any]:
    """List and deploy definitions; a version's XML, statistics and files."""
    version = [path_param("key"), path_param("version", "integer")]
    return {
        "/process-definitions": {
            "get": op(
                "Latest version of each process",
                {"200": resp("Definitions", {"type": "array", "items": ref("Definition")})},
                401,
                params=[query_param("all", desc="1: every version")],
                tag="definitions",
            ),
            "post": op(
                "Deploy a BPMN diagram or a bundle of diagrams, decision tables and forms with a note (analyst, admin)",
                {
                    "201": resp("New versions", {"type": "array", "items": ref("Definition")}),
                    "200": resp("Unchanged: existing versions"),
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
            "get": op("The BPMN XML of a version", {"200": XML}, 401, 404, params=version, tag="definitions")
        },
        "/process-definitions/{key}/versions/{version}/statistics": {
            "get": op(
                "A version's instances per status and live tokens per element (analyst, admin)",
                {"200": resp("Statistics", ref("DefinitionStatistics"))},
                401,
                403,
                404,
                params=version,
                tag="definitions",
            )
        },
        "/process-definitions/{key}/versions/{version}/files": {
            "get": op(
                "The forms and decision tables a version owns (analyst, admin)",
                {"200": resp("Files", {"type": "array", "items": _FILE})},
                401,
                403,
                404,
                params=version,
                tag="definitions",
            )
        },
        "/process-definitions/{key}/versions/{version}/files/{name}": {
            "get": op(
                "One file of a version: a form as JSON, a decision table as XML (analyst, admin)",
                {
                    "200": {
                        "description": "The file",
                        "content": {
                            "application/json": {"schema": {"type": "object"}},
                            "application/xml": {"schema": {"type": "string"}},
                        },
                    }
                },
                401,
                403,
                404,
                params=[*version, path_param("name")],
                tag="definitions",
            )
        },
    }

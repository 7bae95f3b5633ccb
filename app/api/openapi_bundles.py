"""OpenAPI of deployment bundles: the deploy's body forms and a version's own files
(``app/api/bundle_input.py``, ``app/api/definition_files.py``)."""

from __future__ import annotations

from typing import Any

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


def bundle_paths(op: Any, resp: Any, path_param: Any) -> dict[str, Any]:
    """The paths, built with openapi.py's own helpers (passed in: no import cycle)."""
    version = [path_param("key"), path_param("version", "integer")]
    return {
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

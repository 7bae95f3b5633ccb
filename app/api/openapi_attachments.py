"""OpenAPI entries of the evidence attachments (contract "Attachments (evidence)")."""

from __future__ import annotations

from typing import Any

from app.services.attachment_types import ACCEPTED

ATTACHMENT = {
    "type": "object",
    "required": ["id", "filename", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"],
    "properties": {
        "id": {"type": "integer", "description": "cited in attachment form fields as a decimal string"},
        "filename": {"type": "string", "description": "the client's file name, sanitised, for display only"},
        "content_type": {
            "type": "string",
            "enum": list(ACCEPTED),
            "description": "judged from the file's first bytes, never from its name or the client's header",
        },
        "size": {"type": "integer"},
        "sha256": {"type": "string"},
        "uploaded_by": {"type": "string"},
        "uploaded_at": {"type": "string", "format": "date-time"},
        "instance_id": {"type": ["integer", "null"], "description": "null while an intake upload waits for its case"},
        "note": {"type": ["string", "null"]},
        "task_id": {"type": ["string", "null"]},
        "element_id": {"type": ["string", "null"]},
    },
}

_UPLOAD_BODY = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {"type": "string", "format": "binary"},
                "note": {"type": "string", "maxLength": 2000},
                "task_id": {"type": "string", "description": "the case's task the file belongs to (optional)"},
            },
        }
    }
}


def _errors(described: dict[int, str]) -> dict[str, Any]:
    schema = {"$ref": "#/components/schemas/Error"}
    return {
        str(code): {"description": text, "content": {"application/json": {"schema": schema}}}
        for code, text in described.items()
    }


def _upload(summary: str, extra: dict[int, str]) -> dict[str, Any]:
    return {
        "summary": summary,
        "tags": ["attachments"],
        "requestBody": {"required": True, "content": _UPLOAD_BODY},
        "responses": {
            "201": {"description": "Stored", "content": {"application/json": {"schema": ATTACHMENT}}},
            **_errors(
                {
                    400: "No 'file' field, or more than one",
                    401: "Not authenticated",
                    403: "A browser session without its CSRF token",
                    413: "Over ATTACHMENT_MAX_BYTES (20 MB by default)",
                    415: "Not multipart/form-data",
                    422: "Not a JPEG, PNG, WebP, PDF, MP3, M4A or WAV file (judged by content); details name 'file'",
                    **extra,
                }
            ),
        },
    }


def attachment_paths() -> dict[str, Any]:
    """The paths this module describes, merged into the document by ``openapi_document``."""
    instance = [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}]
    upload = _upload(
        "Upload one evidence file to a case (anyone who may see it)",
        {
            404: "No such case, or one the caller may not see",
            409: "The case is completed or terminated (archived: no new evidence), or holds 200 files",
        },
    )
    listing = {
        "summary": "A case's attachments in upload order",
        "tags": ["attachments"],
        "responses": {
            "200": {
                "description": "Attachments",
                "content": {"application/json": {"schema": {"type": "array", "items": ATTACHMENT}}},
            },
            **_errors({401: "Not authenticated", 404: "No such case, or one the caller may not see"}),
        },
    }
    download = {
        "summary": "The file's bytes (Content-Disposition: attachment, nosniff, sandboxed)",
        "tags": ["attachments"],
        "parameters": instance,
        "responses": {
            "200": {"description": "The bytes with the stored Content-Type", "content": {"*/*": {}}},
            **_errors({401: "Not authenticated", 404: "No such attachment, or one the caller may not see"}),
        },
    }
    pending = _upload(
        "Upload an intake file before the case exists; the start form's attachment fields claim it",
        {409: "50 uploads already wait for a registration"},
    )
    return {
        "/process-instances/{id}/attachments": {
            "parameters": instance,
            "post": upload,
            "get": listing,
        },
        "/attachments": {"post": pending},
        "/attachments/{id}": {"get": download},
    }

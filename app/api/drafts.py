"""API of analysts' drafts (saved on the server, not deployed) and the modeler's timer preview.

Analysts and admins; a draft is its owner's (another analyst gets 404; an admin reads any draft).
Changes carry ``If-Match`` with the draft's ETag or lock_version: 428 without, 409 when stale.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from werkzeug.wrappers import Response

from app.api import views
from app.api.blueprint import bp, require_role
from app.api.request_input import json_body
from app.api.timer_preview_words import with_localized_message
from app.api.upload_input import one_upload
from app.errors import Invalid
from app.http import db, runtime, uploaded_content
from app.models import Draft
from app.services import drafts, timer_previews
from app.services.draft_files import check_name, kind_of

MAX_NOTE = 2000
_TYPES = {"diagram": "application/xml", "decision": "application/xml", "form": "application/json"}


def draft_view(draft: Draft, files: list[str]) -> dict[str, Any]:
    return {
        "id": draft.id,
        "name": draft.name,
        "owner": draft.owner,
        "process_key": draft.process_key,
        "base_version": draft.base_version,
        "created_at": views.iso(draft.created_at),
        "updated_at": views.iso(draft.updated_at),
        "lock_version": draft.lock_version,
        "files": files,
    }


def _draft_answer(draft: Draft, status: int = 200) -> Any:
    names = drafts.file_names(db(), [draft.id]).get(draft.id, [])
    response = jsonify(draft_view(draft, names))
    response.status_code = status
    response.headers["ETag"] = drafts.etag(draft)
    return response


@bp.get("/drafts")
def list_drafts() -> Any:
    user = require_role("analyst", "admin")
    return jsonify([draft_view(s.draft, s.files) for s in drafts.list_mine(db(), user)])


@bp.post("/drafts")
def create_draft() -> Any:
    """From a deployed version, from XML, blank, or from an uploaded ``.bpmn`` (multipart ``file``)."""
    user = require_role("analyst", "admin")
    if request.mimetype == "multipart/form-data":
        upload = one_upload()
        name = request.form.get("name") or (upload.filename or "").rsplit("/", 1)[-1].removesuffix(".bpmn")[:200]
        draft = drafts.create_from_xml(runtime(), db(), user, name or None, upload.read())
        return _draft_answer(draft, 201)
    body = json_body()
    source = body.get("from")
    if source is not None:
        key, version = _version_source(source)
        draft = drafts.create_from_version(runtime(), db(), user, key, version, _optional_name(body))
    elif "xml" in body:
        if not isinstance(body["xml"], str):
            raise Invalid("xml must be the diagram's text", code="bad_field", details=[_field("xml", "text")])
        draft = drafts.create_from_xml(runtime(), db(), user, _optional_name(body), body["xml"].encode("utf-8"))
    elif "name" in body:
        draft = drafts.create_blank(runtime(), db(), user, body["name"])
    else:
        raise Invalid(
            "give from {process_key, version}, or name and xml, or a name for a blank diagram",
            code="missing_field",
            details=[_field("from", "required (or xml, or name)")],
        )
    return _draft_answer(draft, 201)


def _field(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _optional_name(body: dict[str, Any]) -> str | None:
    name = body.get("name")
    return None if name is None else drafts.check_draft_name(name)


def _version_source(source: Any) -> tuple[str, int]:
    if not isinstance(source, dict):
        raise Invalid("from must be {process_key, version}", code="bad_field", details=[_field("from", "object")])
    key, version = source.get("process_key"), source.get("version")
    if not isinstance(key, str) or not key:
        raise Invalid("from.process_key is required", code="bad_field", details=[_field("from.process_key", "text")])
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= 2**31 - 1:
        raise Invalid(
            "from.version must be a version number", code="bad_field", details=[_field("from.version", "integer ≥ 1")]
        )
    return key, version


@bp.get("/drafts/<int:draft_id>")
def get_draft(draft_id: int) -> Any:
    user = require_role("analyst", "admin")
    return _draft_answer(drafts.get(db(), user, draft_id))


@bp.patch("/drafts/<int:draft_id>")
def rename_draft(draft_id: int) -> Any:
    user = require_role("analyst", "admin")
    draft = drafts.get(db(), user, draft_id, change=True)
    seen = drafts.version_from_if_match(draft, request.headers.get("If-Match"))
    drafts.rename(db(), draft, json_body().get("name"), seen_version=seen)
    return _draft_answer(draft)


@bp.delete("/drafts/<int:draft_id>")
def delete_draft(draft_id: int) -> Any:
    user = require_role("analyst", "admin")
    draft = drafts.get(db(), user, draft_id, change=True)
    header = request.headers.get("If-Match")
    seen = drafts.version_from_if_match(draft, header) if header else None
    drafts.delete(db(), draft, seen_version=seen)
    return Response(status=204)


@bp.get("/drafts/<int:draft_id>/files/<path:name>")
def get_draft_file(draft_id: int, name: str) -> Any:
    user = require_role("analyst", "admin")
    draft = drafts.get(db(), user, draft_id)
    found = drafts.get_file(db(), draft, check_name(name))
    response = uploaded_content(found.content, _TYPES[kind_of(name)], name.rsplit("/", 1)[-1])
    response.headers["ETag"] = drafts.etag(draft)
    return response


@bp.put("/drafts/<int:draft_id>/files/<path:name>")
def put_draft_file(draft_id: int, name: str) -> Any:
    user = require_role("analyst", "admin")
    draft = drafts.get(db(), user, draft_id, change=True)
    check_name(name)
    seen = drafts.version_from_if_match(draft, request.headers.get("If-Match"))
    created = drafts.put_file(runtime(), db(), draft, name, request.get_data(), seen_version=seen)
    return _draft_answer(draft, 201 if created else 200)


@bp.delete("/drafts/<int:draft_id>/files/<path:name>")
def delete_draft_file(draft_id: int, name: str) -> Any:
    user = require_role("analyst", "admin")
    draft = drafts.get(db(), user, draft_id, change=True)
    check_name(name)
    seen = drafts.version_from_if_match(draft, request.headers.get("If-Match"))
    drafts.delete_file(db(), draft, name, seen_version=seen)
    return _draft_answer(draft)


@bp.get("/drafts/<int:draft_id>/download")
def download_draft(draft_id: int) -> Any:
    user = require_role("analyst", "admin")
    draft = drafts.get(db(), user, draft_id)
    diagram = drafts.diagram_file(db(), draft)
    return uploaded_content(diagram.content, "application/xml", diagram.name)


@bp.post("/drafts/<int:draft_id>/deploy")
def deploy_draft(draft_id: int) -> Any:
    user = require_role("analyst", "admin")
    draft = drafts.get(db(), user, draft_id, change=True)
    body = json_body() if request.get_data() else {}
    note = body.get("note")
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE):
        raise Invalid(
            f"note must be text of at most {MAX_NOTE} characters",
            code="bad_field",
            details=[_field("note", f"text, at most {MAX_NOTE} characters")],
        )
    result = drafts.deploy(runtime(), db(), draft, note, actor=user.username)
    status = 201 if any(r.created for r in result) else 200
    answer = [views.definition_view(r.definition, full=False) | {"created": r.created} for r in result]
    return jsonify({"draft_id": draft.id, "note": note, "versions": answer}), status


@bp.post("/timers/preview")
def preview_timer() -> Any:
    require_role("analyst", "admin")
    return with_localized_message(timer_previews.preview(runtime(), json_body()))

"""The analyst's checks before a deploy: validate a diagram, the handler catalogue, the groups."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import get_locale

from app.api import bundle_input
from app.api.blueprint import bp, require_role
from app.errors import BadRequest
from app.http import db, runtime
from app.services import group_directory, handler_catalogue, validation
from app.services.bundles import Bundle, BundleFile


@bp.post("/process-definitions/validate")
def validate_diagram() -> Any:
    require_role("analyst", "admin")
    return validation.validate(runtime(), db(), _bundle()).as_json()


def _bundle() -> Bundle:
    """The diagram or bundle as a deploy takes it: the raw XML body, one multipart ``file`` (the
    diagram, whatever its name), or several ``file`` parts read as deploy reads a bundle (422
    naming each file it refuses)."""
    if request.mimetype != "multipart/form-data":
        return Bundle(diagrams=(BundleFile("diagram.bpmn", request.get_data()),))
    if len(request.files.getlist("file")) > 1:
        return bundle_input.bundle_from_request()
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest(
            "multipart upload needs a 'file' field",
            code="missing_file",
            details=[{"field": "file", "message": "required"}],
        )
    return Bundle(diagrams=(BundleFile(upload.filename or "diagram.bpmn", upload.read()),))


@bp.get("/handlers")
def list_handlers() -> Any:
    require_role("analyst", "admin")
    return jsonify(handler_catalogue.catalogue(runtime().engine.handlers, str(get_locale())))


@bp.get("/groups")
def list_groups() -> Any:
    require_role("analyst", "admin")
    return jsonify(group_directory.groups_with_members(db(), str(get_locale())))

"""The analyst's checks before a deploy: validate a diagram, the handler catalogue, the groups."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import get_locale

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
    """The diagram as a deploy takes it: the raw XML body, or a multipart ``file``."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise BadRequest(
                "multipart upload needs a 'file' field",
                code="missing_file",
                details=[{"field": "file", "message": "required"}],
            )
        return Bundle(diagrams=(BundleFile(upload.filename or "diagram.bpmn", upload.read()),))
    return Bundle(diagrams=(BundleFile("diagram.bpmn", request.get_data()),))


@bp.get("/handlers")
def list_handlers() -> Any:
    require_role("analyst", "admin")
    return jsonify(handler_catalogue.catalogue(runtime().engine.handlers, str(get_locale())))


@bp.get("/groups")
def list_groups() -> Any:
    require_role("analyst", "admin")
    return jsonify(group_directory.groups_with_members(db(), str(get_locale())))

"""A version's own files (its forms and decision tables), for analysts and admins."""

from __future__ import annotations

from typing import Any

from flask import jsonify

from app.api.blueprint import bp, require_role
from app.http import db, uploaded_content
from app.models.definition_files import DMN
from app.services import definition_files, deployments


@bp.get("/process-definitions/<key>/versions/<int:version>/files")
def version_files(key: str, version: int) -> Any:
    require_role("analyst", "admin")
    definition = deployments.get_version(db(), key, version)
    return jsonify(
        [
            {"name": f.name, "kind": f.kind, "sha256": f.sha256, "size": f.size}
            for f in definition_files.listing(db(), definition.id)
        ]
    )


@bp.get("/process-definitions/<key>/versions/<int:version>/files/<path:name>")
def version_file(key: str, version: int, name: str) -> Any:
    require_role("analyst", "admin")
    row = definition_files.one(db(), deployments.get_version(db(), key, version), name)
    mimetype = "application/xml" if row.kind == DMN else "application/json"
    return uploaded_content(row.content, mimetype, name.rsplit("/", 1)[-1])

"""Evidence attachments over the API (contract "Attachments (evidence)"); rules in
``app/services/attachments.py``."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, send_file

from app.api.blueprint import bp
from app.api.upload_input import one_upload, store_upload, task_of
from app.errors import NotFound
from app.http import current_user, db, runtime
from app.models import User
from app.services import attachments

log = logging.getLogger(__name__)

# a download no browser runs: never sniffed, sandboxed should it be opened as a page
DOWNLOAD_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


def _user() -> User:
    user = current_user()
    assert user is not None
    return user


@bp.post("/process-instances/<int:instance_id>/attachments")
def upload_attachment(instance_id: int) -> Any:
    user = _user()
    model = attachments.viewable_instance(db(), user, instance_id)
    return attachments.view(store_upload(user, one_upload(), model, task_of(model))), 201


@bp.post("/attachments")
def upload_pending_attachment() -> Any:
    """An intake upload before the case exists: the start form's attachment fields claim it."""
    user = _user()
    return attachments.view(store_upload(user, one_upload(), None)), 201


@bp.get("/process-instances/<int:instance_id>/attachments")
def list_attachments(instance_id: int) -> Any:
    attachments.viewable_instance(db(), _user(), instance_id)
    return jsonify([attachments.view(a) for a in attachments.for_instance(db(), instance_id)])


@bp.get("/attachments/<int:attachment_id>")
def download_attachment(attachment_id: int) -> Response:
    row = attachments.get_viewable(db(), _user(), attachment_id)
    path = attachments.file_path(runtime().settings.attachments_dir, row)
    if not path.is_file():
        log.error("attachment %s: its file %s is missing from the store", row.id, path)
        raise NotFound("the file of this attachment is missing from the store", code="attachment_file_missing")
    response = send_file(
        path, mimetype=row.content_type, as_attachment=True, download_name=row.filename, etag=row.sha256
    )
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response

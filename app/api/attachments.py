"""Evidence attachments over the API (contract "Attachments (evidence)"); rules in
``app/services/attachments.py``."""

from __future__ import annotations

import logging
from typing import Any

from flask import Response, jsonify, request, send_file
from werkzeug.datastructures import FileStorage

from app.api.blueprint import bp
from app.errors import BadRequest, NotFound, UnsupportedMediaType
from app.http import current_user, db, runtime
from app.models import Attachment, ProcessInstance, TaskRecord, User
from app.services import attachments

log = logging.getLogger(__name__)

# a download no browser runs: never sniffed, sandboxed should it be opened as a page
DOWNLOAD_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox"


def _user() -> User:
    user = current_user()
    assert user is not None
    return user


def one_upload() -> FileStorage:
    """The request's single multipart ``file`` (400 naming it when absent or repeated)."""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType(
            "send the file as multipart/form-data in a field named 'file'", code="unsupported_media_type"
        )
    files = [f for f in request.files.getlist("file") if f.filename or f.content_length]
    if len(files) != 1:
        raise BadRequest(
            "send exactly one file in the multipart field 'file'",
            code="missing_file",
            details=[{"field": "file", "message": "exactly one file required"}],
        )
    return files[0]


def store_upload(
    user: User, upload: FileStorage, instance: ProcessInstance | None, task: TaskRecord | None = None
) -> Attachment:
    """Store one upload with the request's ``note`` (the API and the pages share this)."""
    settings = runtime().settings
    return attachments.add(
        db(),
        settings.attachments_dir,
        upload.stream,
        filename=upload.filename,
        actor=user.username,
        max_bytes=settings.attachment_max_bytes,
        instance=instance,
        task=task,
        note=request.form.get("note"),
    )


def task_of(model: ProcessInstance) -> TaskRecord | None:
    """The task named by the optional form field ``task_id`` (it must be one of the case's)."""
    task_id = request.form.get("task_id")
    if not task_id:
        return None
    task = db().get(TaskRecord, task_id)
    if task is None or task.instance_id != model.id:
        raise NotFound(
            "no such task in this case",
            code="unknown_task",
            details=[{"field": "task_id", "message": "not this case's"}],
        )
    return task


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

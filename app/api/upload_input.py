"""Reading an uploaded evidence file from the request: shared by the API's and the pages' upload routes
(kept apart from the route modules, so either may import it without importing the other's blueprint)."""

from __future__ import annotations

from flask import request
from werkzeug.datastructures import FileStorage

from app.errors import BadRequest, NotFound, UnsupportedMediaType
from app.http import db, runtime
from app.models import Attachment, ProcessInstance, TaskRecord, User
from app.services import attachments


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
    user: User,
    upload: FileStorage,
    instance: ProcessInstance | None,
    task: TaskRecord | None = None,
    *,
    with_note: bool = True,
) -> Attachment:
    """Store one upload, with the request's ``note`` unless ``with_note`` is off (a file sent inside a
    task's form, whose fields are the task's): the API's and the pages' uploads all go through here."""
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
        note=request.form.get("note") if with_note else None,
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

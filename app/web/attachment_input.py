"""Files sent with a form (the plain file input, without the upload script): stored as
attachments before the form is read, their ids added to the field they were chosen in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from app.api.upload_input import store_upload
from app.errors import AppError, Invalid, PayloadTooLarge
from app.http import db, runtime
from app.models import ProcessInstance, TaskRecord, User
from app.services import attachments
from app.web import attachment_view


def refusal_text(err: AppError) -> str:
    """Why a file was refused, in the page's language."""
    if err.code == "attachment_type_refused":
        return gettext("Only JPEG, PNG, WebP, PDF, MP3, M4A or WAV files are accepted.")
    if isinstance(err, PayloadTooLarge):
        return gettext("The file is too large (at most %(mb)s MB).", mb=max_mb())
    return err.message


def max_mb() -> int:
    return runtime().settings.attachment_max_bytes // (1024 * 1024)


def with_uploads(
    schema: Mapping[str, Any], user: User, *, instance: ProcessInstance | None, task: TaskRecord | None = None
) -> MultiDict[str, str]:
    """The posted form plus the ids of the files posted in its attachment fields (at intake, with no
    case yet, pending uploads that the start claims); a refused file is ``Invalid`` naming its field."""
    form: MultiDict[str, str] = MultiDict(request.form.items(multi=True))
    for name, _prop in attachments.attachment_fields(schema):
        for upload in request.files.getlist(name):
            if not upload.filename:
                continue  # the browser sends an empty part for an untouched file input
            try:
                row = store_upload(user, upload, instance, task, with_note=False)
            except (Invalid, PayloadTooLarge) as err:
                message = f"{attachments.display_name(upload.filename)}: {refusal_text(err)}"
                raise Invalid(err.message, code="invalid_data", details=[{"field": name, "message": message}]) from None
            form.add(name, str(row.id))
    return form


def pending_choices(user: User, form: Mapping[str, Any], schema: Mapping[str, Any]) -> dict[str, str]:
    """The user's pending intake uploads that the posted form ticked (to show them again)."""
    ids: list[int] = []
    for name, _prop in attachments.attachment_fields(schema):
        values = form.getlist(name) if isinstance(form, MultiDict) else [form.get(name, "")]
        ids += [int(v) for value in values for v in str(value).split() if v.isdigit() and len(v) <= 12]
    return attachment_view.choices(attachments.pending_of(db(), user.username, ids))

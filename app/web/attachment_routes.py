"""Evidence uploads from the pages: the case page's upload form and the upload script
(``static/js/attachments.js``), which sends one file per request and reads JSON back.

Downloads and thumbnails use the API's ``GET /api/v1/attachments/<id>`` with the session cookie
(a GET needs no CSRF token); these POSTs carry the page's CSRF token like every other form.
"""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, request, url_for
from flask_babel import lazy_gettext, ngettext
from werkzeug.datastructures import FileStorage

from app.api.upload_input import store_upload, task_of
from app.errors import BadRequest
from app.http import db, wants_json
from app.services import attachments
from app.web import attachment_view, presenters, template_helpers
from app.web.attachment_input import max_mb
from app.web.blueprint import bp
from app.web.security import login_required, safe_next, signed_in_user

presenters.HISTORY_TYPES.setdefault("attachment_added", lazy_gettext("Attachment added"))
template_helpers.ERROR_TEXTS.update(
    {
        "attachment_type_refused": lazy_gettext("Only JPEG, PNG, WebP, PDF, MP3, M4A or WAV files are accepted."),
        "attachment_too_large": lazy_gettext("The file is too large."),
        "instance_closed": lazy_gettext("This complaint is closed and archived: it takes no new evidence."),
        "too_many_attachments": lazy_gettext("There are too many attachments waiting; register the complaint first."),
        "missing_file": lazy_gettext("Choose at least one file."),
    }
)


def _files() -> list[FileStorage]:
    files = [f for f in request.files.getlist("file") if f.filename]
    if not files:
        raise BadRequest(
            "choose at least one file", code="missing_file", details=[{"field": "file", "message": "required"}]
        )
    return files


@bp.post("/instances/<int:instance_id>/attachments")
@login_required
def upload_attachment(instance_id: int) -> Any:
    """Files for a case (its page, or a task of it with ``task_id``); JSON for the script."""
    user = signed_in_user()
    model = attachments.viewable_instance(db(), user, instance_id)
    task = task_of(model)
    stored = [store_upload(user, upload, model, task) for upload in _files()]
    if wants_json():
        return jsonify([attachment_view.item(row) for row in stored]), 201
    flash(ngettext("%(num)d file uploaded.", "%(num)d files uploaded.", len(stored)), "success")
    return redirect(safe_next(request.form.get("next"), url_for("web.instance", instance_id=instance_id)))


@bp.post("/attachments")
@login_required
def upload_pending_attachment() -> Any:
    """A file for the intake form, before the complaint exists (the script only; JSON)."""
    user = signed_in_user()
    stored = [store_upload(user, upload, None) for upload in _files()]
    return jsonify([attachment_view.item(row) for row in stored]), 201


@bp.app_context_processor
def _attachment_helpers() -> dict[str, Any]:
    return {"attachment_max_mb": max_mb, "upload_url": None, "upload_task_id": None}


bp.add_app_template_filter(attachment_view.human_size, "filesize")

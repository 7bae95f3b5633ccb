"""The workbench's pages: the analyst's drafts, creating one (from a version, blank, uploaded), deleting one.

The modeler page of one draft (``/workbench/drafts/<id>``) is the modeler's; these forms work without
a script, posting to the routes below.
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from app.errors import AppError, Conflict, Invalid, NotFound, PayloadTooLarge
from app.http import db, runtime
from app.models import Draft, User
from app.services import deployments, drafts
from app.web import workbench_pages
from app.web.blueprint import bp
from app.web.console_routes import require_analyst_or_admin
from app.web.security import login_required


@bp.get("/workbench")
@login_required
def workbench() -> str:
    return workbench_pages.workbench_page(db(), require_analyst_or_admin())


@bp.post("/workbench/drafts")
@login_required
def workbench_create() -> Any:
    user = require_analyst_or_admin()
    form = request.form
    try:
        draft = _create(user, form.get("source", ""))
    except (Invalid, NotFound, Conflict, PayloadTooLarge) as err:
        db().rollback()
        posted = {k: form.get(k, "") for k in ("source", "name", "process_key", "version")}
        return workbench_pages.workbench_page(db(), user, error=err, posted=posted), err.status
    flash(gettext("Draft “%(name)s” created.", name=draft.name), "success")
    return redirect(url_for("web.workbench", _anchor=f"draft-{draft.id}"))


def _create(user: User, source: str) -> Draft:
    name = request.form.get("name", "").strip() or None
    if source == "blank":
        return drafts.create_blank(runtime(), db(), user, name or "")
    if source == "upload":
        upload = request.files.get("file")
        content = upload.read() if upload is not None else b""
        if upload is None or not (upload.filename or content):
            raise Invalid("choose a .bpmn file", code="missing_file", details=[_field("file")])
        stem = (upload.filename or "").rsplit("/", 1)[-1].removesuffix(".bpmn")[:200] or None
        return drafts.create_from_xml(runtime(), db(), user, name or stem, content)
    if source == "version":
        key, raw = request.form.get("process_key", ""), request.form.get("version", "").strip()
        picked_key, version = _picked_version(key, raw)
        return drafts.create_from_version(runtime(), db(), user, picked_key, version, name)
    raise Invalid("unknown way to create a draft", code="missing_field", details=[_field("source")])


def _field(name: str) -> dict[str, str]:
    return {"field": name, "message": "required"}


def _picked_version(key: str, raw: str) -> tuple[str, int]:
    """The process key and version the picker chose (blank version: the newest)."""
    if not key:
        raise Invalid("choose a process", code="missing_field", details=[_field("process_key")])
    if not raw:
        latest = deployments.latest_definition(db(), key)
        assert latest is not None  # required: an unknown key is a 404
        return key, latest.version
    if not (raw.isascii() and raw.isdigit() and len(raw) < 10):
        raise Invalid("the version is a number", code="missing_field", details=[_field("version")])
    return key, int(raw)


@bp.post("/workbench/drafts/<int:draft_id>/delete")
@login_required
def workbench_delete(draft_id: int) -> Response | tuple[str, int]:
    user = require_analyst_or_admin()
    draft = drafts.get(db(), user, draft_id, change=True)
    raw = request.form.get("lock_version", "")
    seen = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    name = draft.name
    try:
        drafts.delete(db(), draft, seen_version=seen)
    except AppError as err:
        db().rollback()
        return workbench_pages.workbench_page(db(), user, error=err), err.status
    flash(gettext("Draft “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("web.workbench"))

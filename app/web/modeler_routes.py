"""The analyst's modeler: a deployed version opened read-write, a draft, or a new diagram."""

from __future__ import annotations

from flask import request
from flask_babel import gettext

from app.errors import BadRequest
from app.http import db
from app.services import deployments, drafts
from app.web.blueprint import bp
from app.web.console_routes import require_analyst_or_admin
from app.web.modeler_view import modeler_page
from app.web.security import login_required

MAX_VERSION_DIGITS = 9


def _version_arg() -> int | None:
    raw = request.args.get("version", "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit() and len(raw) <= MAX_VERSION_DIGITS) or int(raw) < 1:
        raise BadRequest(f"version must be a whole number from 1, not {raw!r}", code="invalid_version")
    return int(raw)


@bp.get("/workbench/model")
@login_required
def modeler_model() -> str:
    """``?key=K&version=V``: that deployed version; without them, a new empty diagram."""
    require_analyst_or_admin()
    key = request.args.get("key") or None
    version = _version_arg()
    if key is None and version is None:
        return modeler_page(mode="new", title=gettext("New diagram"), process_key=None, version=None, draft_id=None)
    if key is None or version is None:
        raise BadRequest("give both key and version, or neither for a new diagram", code="key_and_version_required")
    definition = deployments.get_version(db(), key, version)  # NotFound for an unknown version
    title = gettext("%(key)s version %(version)s", key=definition.key, version=definition.version)
    return modeler_page(mode="version", title=title, process_key=definition.key, version=version, draft_id=None)


@bp.get("/workbench/drafts/<int:draft_id>")
@login_required
def modeler_draft(draft_id: int) -> str:
    """A draft of the analyst's (404 for anyone else's; an admin may read any); the page reads and
    saves it through the drafts API and links the draft's decision tables and forms to their editors."""
    user = require_analyst_or_admin()
    draft = drafts.get(db(), user, draft_id)
    files = drafts.file_names(db(), [draft.id]).get(draft.id, [])
    title = gettext("Draft %(id)s", id=draft_id) + f" · {draft.name}"
    return modeler_page(mode="draft", title=title, process_key=None, version=None, draft_id=draft_id, draft_files=files)

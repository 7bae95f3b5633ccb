"""The analyst's workbench landing page: their drafts, and the ways to start a new one."""

from __future__ import annotations

from typing import Any

from flask import render_template, url_for
from flask_babel import lazy_gettext
from sqlalchemy.orm import Session

from app.errors import AppError
from app.models import User
from app.services import deployments, drafts
from app.web.template_helpers import error_text

MAX_PROCESSES = 200  # the version picker offers at most this many processes

# what the page says for the refusals its forms can meet (others: the error's own message)
DRAFT_ERRORS = {
    "bad_draft_name": lazy_gettext("Give the draft a name (at most 200 characters)."),
    "missing_field": lazy_gettext("Choose a process and a version."),
    "unknown_process": lazy_gettext("No such process is deployed."),
    "unknown_process_version": lazy_gettext("That process has no such version."),
    "missing_file": lazy_gettext("Choose a .bpmn file to upload."),
    "malformed_xml": lazy_gettext("The file is not well-formed XML."),
    "invalid_bpmn": lazy_gettext("The file is not a BPMN 2.0 diagram."),
    "forbidden_xml": lazy_gettext("The file holds DOCTYPE or ENTITY declarations, which are refused."),
    "invalid_encoding": lazy_gettext("The file is not UTF-8 text."),
    "file_too_large": lazy_gettext("The file is too large."),
    "diagram_too_large": lazy_gettext("The file is too large."),
    "too_many_drafts": lazy_gettext("You have too many drafts; delete some first."),
    "draft_changed": lazy_gettext("The draft changed since this page was shown; reload and try again."),
}


def draft_error_text(error: AppError) -> str:
    return str(DRAFT_ERRORS.get(error.code, error_text(error)))


def modeler_url(draft_id: int) -> str:
    """Where a draft opens in the modeler (that page belongs to the modeler)."""
    return f"{url_for('web.workbench')}/drafts/{draft_id}"


def draft_editors(draft_id: int, files: list[str]) -> list[tuple[str, str, str]]:
    """The draft's files an editor opens, as (kind, label, url): decision tables (``table``) and
    forms (``form``); the diagram itself opens in the modeler."""
    links = []
    for name in files:
        if name.endswith(".dmn"):
            links.append(("table", name, url_for("web.decision_editor", draft=draft_id, name=name)))
        elif name.startswith("forms/"):
            links.append(("form", name.removeprefix("forms/"), url_for("web.form_editor", draft=draft_id, name=name)))
    return links


def workbench_page(
    session: Session, user: User, *, error: AppError | None = None, posted: dict[str, Any] | None = None
) -> str:
    """The user's drafts, newest first (bounded), with the forms that create one."""
    mine = drafts.list_mine(session, user)
    latest = deployments.list_definitions(session)[:MAX_PROCESSES]
    return render_template(
        "workbench.html",
        drafts=mine,
        processes=latest,
        modeler_url=modeler_url,
        draft_editors=draft_editors,
        error=draft_error_text(error) if error is not None else None,
        error_form=(posted or {}).get("source"),
        posted=posted or {},
        list_limit=drafts.LIST_LIMIT,
    )

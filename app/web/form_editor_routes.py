"""The form editor (analysts and admins): a form's fields, types, choices with zh/en labels,
required and conditional fields, with a live preview in both languages.

The JSON text area is the form itself: without JavaScript the analyst edits it and "Check"
answers the checks and the preview; with JavaScript (static/js/form_editor.js) a field table
writes it, the preview follows each change, and "Save" puts it in the analyst's draft.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import render_template, request

from app.errors import Invalid
from app.http import db, runtime
from app.services import draft_files, drafts
from app.services.form_design import FormReport, check_form
from app.web.blueprint import bp
from app.web.console_routes import require_analyst_or_admin
from app.web.form_preview_view import preview_html
from app.web.security import login_required, signed_in_user

FORM_KEY = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$")
MAX_FORM_CHARS = 200_000
BLANK_FORM: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "New form",
    "x-title-zh": "新表单",
    "type": "object",
    "properties": {},
    "required": [],
    "additionalProperties": False,
}


@bp.get("/workbench/forms/edit")
@login_required
def form_editor() -> str:
    require_analyst_or_admin()
    key = request.args.get("form", "")
    draft = request.args.get("draft", "")
    name = request.args.get("name", "")
    if key and not FORM_KEY.match(key):
        raise Invalid("not a form key", code="invalid_form_key", details=[{"field": "form", "message": "bad key"}])
    if draft:
        text = _draft_form(draft, name)
    else:
        forms = runtime().forms.folder_forms()
        schema = forms.schema(key) if key and forms.has(key) else BLANK_FORM
        text = json.dumps(schema, ensure_ascii=False, indent=2)
    return _page(text, key=key, draft=draft, name=name, report=None)


def _draft_form(draft: str, name: str) -> str:
    """The text of the draft's form ``name`` (a new form starts blank): the owner's drafts only."""
    if not draft.isascii() or not draft.isdigit() or len(draft) > 18:
        raise Invalid("not a draft id", code="invalid_argument", details=[{"field": "draft", "message": "bad id"}])
    if draft_files.kind_of(draft_files.check_name(name)) != "form":
        raise Invalid(
            "not a form file", code="invalid_argument", details=[{"field": "name", "message": "forms/<key>.json"}]
        )
    found = drafts.get(db(), signed_in_user(), int(draft))
    names = drafts.file_names(db(), [found.id]).get(found.id, [])
    if name not in names:
        return json.dumps(BLANK_FORM, ensure_ascii=False, indent=2)
    return drafts.get_file(db(), found, name).content


@bp.post("/workbench/forms/check")
@login_required
def form_editor_check() -> str:
    """Without JavaScript: the checks and the preview of the posted JSON."""
    require_analyst_or_admin()
    text = request.form.get("schema", "")[:MAX_FORM_CHARS]
    report = FormReport()
    try:
        schema = json.loads(text)
    except ValueError as exc:
        report.error("(root)", f"not JSON: {exc}")
        schema = None
    if schema is not None:
        report = check_form(schema)
    preview = preview_html(schema) if schema is not None and report.valid else None
    return _page(text, key=request.form.get("form", ""), draft="", name="", report=report, preview=preview)


def _page(
    text: str, *, key: str, draft: str, name: str, report: FormReport | None, preview: dict[str, str] | None = None
) -> str:
    return render_template(
        "form_editor.html", schema_text=text, form_key=key, draft=draft, name=name, report=report, preview=preview
    )

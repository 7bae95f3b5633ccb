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
from app.http import runtime
from app.services.form_design import FormReport, check_form
from app.web.blueprint import bp
from app.web.console_routes import require_analyst_or_admin
from app.web.form_preview_view import preview_html
from app.web.security import login_required

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
    schema = runtime().forms.schema(key) if key and runtime().forms.has(key) else BLANK_FORM
    text = json.dumps(schema, ensure_ascii=False, indent=2)
    return _page(text, key=key, draft=draft if draft.isdigit() else "", name=name, report=None)


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

"""The form editor's check and preview: ``POST /forms/preview`` (analysts and admins).

The same checks as saving (``app.services.form_design``) and, when the form is usable, the form
drawn by the task page's own renderer (``app.web.forms_render`` + ``templates/_form.html``) in
Chinese and in English, so what the analyst sees is what a handler will get.
"""

from __future__ import annotations

from typing import Any

from app.api.blueprint import bp, require_role
from app.api.request_input import json_body
from app.errors import Invalid
from app.services.form_design import check_form
from app.web.form_preview_view import preview_html


@bp.post("/forms/preview")
def form_preview() -> Any:
    require_role("analyst", "admin")
    body = json_body()
    if "schema" not in body:
        raise Invalid(
            "give the form as schema", code="invalid_body", details=[{"field": "schema", "message": "required"}]
        )
    report = check_form(body["schema"])
    answer = report.as_json()
    answer["html"] = preview_html(body["schema"]) if report.valid else None
    return answer

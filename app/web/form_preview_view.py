"""A form drawn as the task page draws it, once per language (the form editor's live preview)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import force_locale

from app.web.forms_render import build_fields, localized

LANGUAGES = ("zh", "en")


def preview_html(schema: Mapping[str, Any]) -> dict[str, str]:
    """``{"zh": html, "en": html}``: the fields of ``schema``, empty, in each language."""
    drawn = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            drawn[lang] = render_template(
                "_form_preview.html",
                lang=lang,
                title=localized(schema, lang, fallback=""),
                fields=build_fields(schema, {}, {}, lang),
            )
    return drawn

"""Chinese and English: locale from ?lang=, the session, then Accept-Language."""

from __future__ import annotations

from flask import Flask, request, session
from flask_babel import Babel

LANGUAGES = ("zh", "en")


def select_locale() -> str:
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang
        return lang
    if session.get("lang") in LANGUAGES:
        return str(session["lang"])
    from app.http import runtime

    best = request.accept_mimetypes and request.accept_languages.best_match(LANGUAGES)
    return best or runtime().settings.default_language


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_translation_directories="translations")

    @app.context_processor
    def _lang() -> dict[str, object]:
        from flask_babel import get_locale

        return {"lang": str(get_locale() or "zh"), "languages": LANGUAGES}

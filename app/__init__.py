"""Complaint-handling workflow platform: ``create_app`` builds the Flask application."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from app.business_calendar import calendar_from_env, set_default_calendar
from app.clock import clock
from app.config import Settings
from app.db import make_engine, make_session_factory
from app.engine import Engine, ScriptLimits, TimerLimits
from app.request_guard import UPLOAD_FORM_ALLOWANCE
from app.runtime import Runtime
from app.services.forms import FormStore
from app.services.people import TokenSigner

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    """Application factory; ``overrides`` replace individual settings (tests)."""
    settings = settings or Settings.from_env()
    for key, value in overrides.items():
        setattr(settings, key, value)
    from handlers import REGISTRY

    clock.business_tz = ZoneInfo(settings.business_timezone)
    set_default_calendar(calendar_from_env())  # a bad BUSINESS_HOURS etc. stops start-up here
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=settings.max_bpmn_bytes + 64 * 1024,
        UPLOAD_MAX_CONTENT_LENGTH=settings.attachment_max_bytes + UPLOAD_FORM_ALLOWANCE,
        TESTING=settings.testing,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=settings.env == "production",
    )
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    db = make_engine(settings.database_url)
    rt = Runtime(
        settings=settings,
        db=db,
        sessions=make_session_factory(db),
        engine=Engine(
            REGISTRY,
            limits=ScriptLimits(
                timeout_seconds=settings.script_timeout_seconds,
                memory_mb=settings.script_memory_mb,
                workers=settings.script_workers,
            ),
            timer_limits=TimerLimits(
                max_cycles=settings.timer_max_cycles, min_cycle_seconds=settings.timer_min_cycle_seconds
            ),
        ),
        forms=FormStore(settings.forms_dir),
        tokens=TokenSigner(settings.secret_key, settings.token_max_age_seconds),
    )
    app.extensions["runtime"] = rt

    from app import http, i18n, request_guard, throttle
    from app.api import accounts as api_accounts
    from app.api import blueprint as api_blueprint
    from app.api import diagram as _api_diagram  # noqa: F401  (its routes join the api blueprint)
    from app.web import blueprint as web_blueprint
    from app.web import diagram_routes as _web_diagram  # noqa: F401  (its routes join the web blueprint)

    request_guard.init_app(app)
    http.init_app(app)
    i18n.init_app(app)
    throttle.init_app(app, settings)
    if settings.trusted_proxies:  # the client address (login throttling, audit) from X-Forwarded-For
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies)  # type: ignore[method-assign]
    app.register_blueprint(api_blueprint.bp)
    app.register_blueprint(api_accounts.bp)
    app.register_blueprint(web_blueprint.bp)

    from app import cli

    cli.init_app(app)
    return app

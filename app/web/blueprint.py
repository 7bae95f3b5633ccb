"""Browser UI (placeholder until the console lands)."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("web", __name__, template_folder="templates", static_folder="static")


@bp.get("/")
def index() -> str:
    return "Complaint handling"

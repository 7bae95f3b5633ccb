"""Pages of a process's versions: the diff of two versions (analysts, admins) and the migration of
a version's cases (the dry run and, after a confirmation, the move: analysts and admins)."""

from __future__ import annotations

from flask import request

from app.errors import Invalid
from app.http import db, runtime
from app.services import bulk_migrations, deployments
from app.web import version_pages
from app.web.blueprint import bp
from app.web.console_routes import require_analyst_or_admin
from app.web.security import login_required


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@bp.get("/definitions/<key>/diff/<int:a>/<int:b>")
@login_required
def definition_diff(key: str, a: int, b: int) -> str:
    require_analyst_or_admin()
    return version_pages.diff_page(db(), key, a, b)


@bp.get("/definitions/<key>/versions/<int:version>/migration")
@login_required
def definition_migration(key: str, version: int) -> str:
    require_analyst_or_admin()
    to_version = _number(request.args.get("to_version"))
    return version_pages.migration_page(runtime(), db(), key, version, to_version, request.args.get("cursor"))


def _chosen() -> list[tuple[int, int | None]]:
    """The ticked cases, each ``id:lock_version`` as the dry run showed it."""
    chosen = []
    for value in request.form.getlist("instance"):
        ident, _, lock = value.partition(":")
        if _number(ident) is None or (lock and _number(lock) is None):
            raise Invalid(
                "a chosen case is not valid",
                code="invalid_migration",
                details=[{"field": "instance", "message": value[:40]}],
            )
        chosen.append((int(ident), _number(lock)))
    if not chosen:
        raise Invalid(
            "choose at least one case to migrate",
            code="invalid_migration",
            details=[{"field": "instance", "message": "none chosen"}],
        )
    return chosen


@bp.post("/definitions/<key>/versions/<int:version>/migration")
@login_required
def definition_migrate(key: str, version: int) -> str:
    """First a confirmation of the chosen cases; with ``confirm=yes`` the move, then its results."""
    user = require_analyst_or_admin()
    source = deployments.get_version(db(), key, version)
    to_version = _number(request.form.get("to_version"))
    if to_version is None:
        raise Invalid(
            "choose the target version",
            code="invalid_migration",
            details=[{"field": "to_version", "message": "a version number"}],
        )
    chosen = _chosen()
    if request.form.get("confirm") != "yes":
        bulk_migrations.read_migrate_body({"to_version": to_version, "instance_ids": [i for i, _ in chosen]})
        deployments.get_version(db(), key, to_version)
        return version_pages.confirmation_page(source, to_version, chosen)
    body = {"to_version": to_version, "instance_ids": [{"id": i, "lock_version": lock} for i, lock in chosen]}
    done = bulk_migrations.migrate(runtime(), db(), key, version, body, user.username)
    return version_pages.results_page(source, to_version, done["results"])

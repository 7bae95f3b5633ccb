"""API routes of a process's versions (analyst workbench): the element diff between two versions,
and the bulk migration of a version's running cases (dry run and move: analysts and admins,
who own the procedure; the single-case move of the admin actions stays admins')."""

from __future__ import annotations

from typing import Any

from app.api.blueprint import bp, require_role
from app.api.request_input import json_body
from app.http import db, runtime
from app.services import bulk_migrations, version_diff

_VERSION = "/process-definitions/<key>/versions/<int:version>"


@bp.get("/process-definitions/<key>/versions/<int:a>/diff/<int:b>")
def version_diff_api(key: str, a: int, b: int) -> Any:
    require_role("analyst", "admin")
    _first, _second, diff = version_diff.compare(db(), key, a, b)
    return version_diff.diff_view(key, a, b, diff)


@bp.post(f"{_VERSION}/migration-plan")
def migration_plan(key: str, version: int) -> Any:
    require_role("analyst", "admin")
    return bulk_migrations.plan(runtime(), db(), key, version, json_body())


@bp.post(f"{_VERSION}/migrate")
def migrate_version(key: str, version: int) -> Any:
    user = require_role("analyst", "admin")
    return bulk_migrations.migrate(runtime(), db(), key, version, json_body(), user.username)

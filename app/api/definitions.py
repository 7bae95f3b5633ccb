"""Process definition reads for analysts and admins: a version's statistics (the heat map's data)."""

from __future__ import annotations

from typing import Any

from app.api.blueprint import bp, require_role
from app.http import db
from app.services import definition_stats, deployments


@bp.get("/process-definitions/<key>/versions/<int:version>/statistics")
def definition_statistics(key: str, version: int) -> Any:
    require_role("analyst", "admin")
    return definition_stats.statistics(db(), deployments.get_version(db(), key, version))

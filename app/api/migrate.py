"""API route of the admin's instance migration (contract "Admin actions")."""

from __future__ import annotations

from typing import Any

from flask import request

from app.api.blueprint import bp, require_role
from app.api.request_input import json_body
from app.http import db, runtime
from app.services import instances, migrations


@bp.post("/process-instances/<int:instance_id>/migrate")
def migrate_instance(instance_id: int) -> Any:
    user = require_role("admin")
    body = json_body() if request.get_data() else {}
    model = instances.get(db(), instance_id)
    return migrations.migrate(runtime(), db(), model, body, user.username)

"""Responsibility findings (domain.md §7 rule 7.4): an employee's own, and their appeal."""

from __future__ import annotations

from typing import Any

from flask import request

from app.api.blueprint import bp
from app.api.request_input import json_body
from app.http import current_user, db, runtime
from app.services import finding_appeals


@bp.get("/findings")
def list_findings() -> Any:
    user = current_user()
    assert user is not None
    found = finding_appeals.list_for(db(), user, request.args.get("employee"))
    return {"items": [finding_appeals.finding_view(f, user) for f in found]}


@bp.get("/findings/<int:finding_id>")
def get_finding(finding_id: int) -> Any:
    user = current_user()
    assert user is not None
    return finding_appeals.finding_view(finding_appeals.get_visible(db(), user, finding_id), user)


@bp.post("/findings/<int:finding_id>/appeal")
def appeal_finding(finding_id: int) -> Any:
    user = current_user()
    assert user is not None
    finding = finding_appeals.appeal(runtime(), db(), user, finding_id, json_body().get("appeal_reason"))
    return finding_appeals.finding_view(finding, user), 201

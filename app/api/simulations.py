"""API routes of simulation runs (analysts and admins; a run is its owner's and admins')."""

from __future__ import annotations

from typing import Any

from flask import Response, request

from app.api.blueprint import bp
from app.api.request_input import json_body
from app.http import current_user, db, runtime
from app.models import User
from app.services import simulation_view, simulations


def _user() -> User:
    user = current_user()
    assert user is not None
    simulations.require_workbench(user)
    return user


def _body() -> dict[str, Any]:
    return json_body() if request.get_data() else {}


@bp.post("/simulations")
def create_simulation() -> Any:
    user = _user()
    run = simulations.create(runtime(), db(), user, _body())
    return simulation_view.describe(runtime(), db(), run), 201


@bp.get("/simulations")
def list_simulations() -> Any:
    user = _user()
    return {"items": [simulation_view.summary(r) for r in simulations.list_mine(db(), user)]}


@bp.get("/simulations/<int:run_id>")
def get_simulation(run_id: int) -> Any:
    run = simulations.get_visible(db(), _user(), run_id)
    return simulation_view.describe(runtime(), db(), run)


@bp.get("/simulations/<int:run_id>/xml")
def simulation_xml(run_id: int) -> Any:
    run = simulations.get_visible(db(), _user(), run_id)
    return Response(run.xml, mimetype="application/xml")


@bp.post("/simulations/<int:run_id>/tasks/<task_id>/complete")
def complete_simulation_task(run_id: int, task_id: str) -> Any:
    run = simulations.get_visible(db(), _user(), run_id)
    body = _body()
    simulations.complete_task(runtime(), db(), run, task_id, body.get("data"), lock_version=body.get("lock_version"))
    return simulation_view.describe(runtime(), db(), run)


@bp.post("/simulations/<int:run_id>/clock")
def move_simulation_clock(run_id: int) -> Any:
    run = simulations.get_visible(db(), _user(), run_id)
    body = _body()
    move = {k: v for k, v in body.items() if k != "lock_version"}
    simulations.move_clock(runtime(), db(), run, move, lock_version=body.get("lock_version"))
    return simulation_view.describe(runtime(), db(), run)


@bp.delete("/simulations/<int:run_id>")
def delete_simulation(run_id: int) -> Any:
    run = simulations.get_visible(db(), _user(), run_id)
    simulations.delete(db(), run, lock_version=_body().get("lock_version"))
    return "", 204

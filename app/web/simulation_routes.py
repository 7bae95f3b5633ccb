"""Simulation pages: start a run from the definitions page, watch and drive it on its own clock.

Every button is a plain form (the page works without scripts); the script only draws the diagram."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_babel import gettext
from werkzeug.wrappers import Response

from app.errors import BadRequest, Conflict, Invalid
from app.http import db, runtime
from app.services import simulation_sources, simulations
from app.web import form_input, simulation_page
from app.web.blueprint import bp
from app.web.security import login_required, signed_in_user


def _lock() -> int | None:
    raw = request.form.get("lock_version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _back(run_id: int) -> Response:
    return redirect(url_for("web.simulation", run_id=run_id), code=303)


@bp.get("/simulations")
@login_required
def simulation_list() -> str:
    user = signed_in_user()
    simulations.require_workbench(user)
    return simulation_page.runs_page(db(), user)


@bp.post("/simulations")
@login_required
def start_simulation() -> Response:
    user = signed_in_user()
    body: dict[str, Any] = {"process_key": request.form.get("process_key", "")}
    version = request.form.get("version", "")
    if version.isascii() and version.isdigit() and len(version) < 10:
        body["version"] = int(version)
    if request.form.get("start_at"):
        body["start_at"] = simulation_page.clock_move({"move": "to", "to": request.form["start_at"]})["to"]
    run = simulations.create(runtime(), db(), user, body)
    return redirect(url_for("web.simulation", run_id=run.id), code=303)


@bp.get("/simulations/<int:run_id>")
@login_required
def simulation(run_id: int) -> str:
    user = signed_in_user()
    run = simulations.get_visible(db(), user, run_id)
    return simulation_page.run_page(runtime(), db(), user, run)


@bp.post("/simulations/<int:run_id>/clock")
@login_required
def simulation_clock(run_id: int) -> Response:
    user = signed_in_user()
    run = simulations.get_visible(db(), user, run_id)
    try:
        simulations.move_clock(runtime(), db(), run, simulation_page.clock_move(request.form), lock_version=_lock())
    except (BadRequest, Conflict, Invalid) as err:
        db().rollback()
        flash(simulation_page.error_message(err), "error")
    return _back(run_id)


@bp.post("/simulations/<int:run_id>/tasks/<task_id>")
@login_required
def simulation_task(run_id: int, task_id: str) -> Any:
    user = signed_in_user()
    run = simulations.get_visible(db(), user, run_id)
    task = simulations.ready_task(simulations.load(runtime(), db(), run), task_id)
    try:
        data = form_input.parse(simulation_sources.form_schema(runtime(), run, task.form_key), request.form)
        simulations.complete_task(runtime(), db(), run, task_id, data, lock_version=_lock())
    except Invalid as err:
        db().rollback()
        run = simulations.get_visible(db(), user, run_id)
        page = simulation_page.run_page(runtime(), db(), user, run, posted_task=task_id, posted=request.form, error=err)
        return page, 422
    except Conflict as err:
        db().rollback()
        flash(simulation_page.error_message(err), "error")
    return _back(run_id)


@bp.post("/simulations/<int:run_id>/delete")
@login_required
def delete_simulation(run_id: int) -> Response:
    user = signed_in_user()
    run = simulations.get_visible(db(), user, run_id)
    simulations.delete(db(), run, lock_version=_lock())
    flash(gettext("The simulation run was deleted."), "success")
    return redirect(url_for("web.simulation_list"), code=303)

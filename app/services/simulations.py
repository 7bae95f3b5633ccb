"""Simulation runs: an analyst tries a version (or a diagram not yet deployed) on a virtual clock.

A run is kept apart from real cases: it is a ``SimulationRun`` row, never a process instance,
so no inbox, list, report, count, timer row or scheduler job ever sees it. Every engine step of
a run happens inside ``clock.pinned(run.virtual_now)``: the engine's timers, the business
calendar helpers and the form checks read the run's time, while the server's clock (and every
other run) is untouched. Service-task handlers run (they are pure); effects are not applied:
a ``notify`` is written to the run's log ("would notify ..."), never as a notification. A
failing script or handler stops the run at an incident, shown with the run.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.business_calendar import default_calendar
from app.clock import clock, utcnow
from app.engine import EngineIncident, Instance, StepResult, UserTaskView, parse_due
from app.errors import BadRequest, Conflict, Forbidden, Invalid, NotFound
from app.models import ProcessDefinition, SimulationRun, User
from app.runtime import Runtime
from app.services import simulation_log, simulation_sources
from app.services.forms import validate_against
from app.services.sample_answers import sample_answer
from app.services.simulation_clock import move_target
from app.services.tasks import with_read_only_values

LIST_LIMIT = 50
MAX_TIMER_ROUNDS = 1000  # timers fired by one clock move, at most (a cycle cannot loop forever)
ROLES = ("analyst", "admin")
# the engine fires a timer once its time has passed (strictly): a timer due at the time the
# run's clock moves to counts as due, so the engine looks a microsecond later
_DUE_NOW = timedelta(microseconds=1)


@dataclass(frozen=True)
class Spec:
    """What the engine needs to build a run's workflow: its cache key and the spec's JSON."""

    cache_id: int
    content_hash: str
    spec_json: Callable[[], str]


def require_workbench(user: User) -> None:
    if not any(user.has_role(r) for r in ROLES):
        raise Forbidden("simulation runs need the analyst or admin role", code="role_required")


# --- reading ----------------------------------------------------------------------------
def get_visible(session: Session, user: User, run_id: int) -> SimulationRun:
    """The run, for its owner and admins; anyone else is told it does not exist (404)."""
    require_workbench(user)
    run = session.get(SimulationRun, run_id)
    if run is None or (run.owner != user.username and not user.has_role("admin")):
        raise NotFound(f"no simulation run {run_id}", code="unknown_simulation")
    return run


def mine_query(username: str, limit: int) -> Select[tuple[SimulationRun]]:
    """The user's newest runs: a walk of ``ix_simulation_owner_id`` backwards, ``limit`` rows."""
    return select(SimulationRun).where(SimulationRun.owner == username).order_by(SimulationRun.id.desc()).limit(limit)


def list_mine(session: Session, user: User, *, limit: int = LIST_LIMIT) -> list[SimulationRun]:
    """The user's newest runs (bounded; the large columns stay unread)."""
    require_workbench(user)
    return list(session.scalars(mine_query(user.username, limit)))


def spec_of(session: Session, run: SimulationRun) -> Spec:
    if run.definition_id is not None:
        definition = session.get(ProcessDefinition, run.definition_id)
        if definition is None:
            raise NotFound("the version this run simulates no longer exists", code="unknown_process_version")
        return Spec(definition.id, definition.content_hash, lambda: definition.spec_json)
    # a diagram of its own: cache id 0 is no definition's, the hash is of this very spec
    return Spec(0, run.content_hash, lambda: run.spec_json or "")


def load(rt: Runtime, session: Session, run: SimulationRun) -> Instance:
    spec = spec_of(session, run)
    with clock.pinned(run.virtual_now):
        return rt.engine.load(spec.cache_id, spec.content_hash, spec.spec_json, run.state_json)


# --- starting -----------------------------------------------------------------------------
def create(rt: Runtime, session: Session, user: User, body: dict[str, Any]) -> SimulationRun:
    """Start a run of ``process_key`` (``version``, default the latest) or of a diagram
    (``xml``), with the start record ``variables`` (default: a sample answer of the start form),
    its clock at ``start_at`` (default: now), and run it to its first wait."""
    require_workbench(user)
    virtual_now = _start_time(body.get("start_at"))
    run = SimulationRun(owner=user.username, virtual_now=virtual_now, status="running", log=[], state_json="")
    if body.get("draft_id") is not None:
        simulation_sources.from_draft(rt, session, user, run, body)
    elif body.get("xml") is not None:
        simulation_sources.from_diagram(rt, session, run, body)
    else:
        simulation_sources.from_version(session, run, body)
    now = utcnow()
    run.created_at = run.updated_at = now
    variables = _start_variables(rt, run, body.get("variables"))
    session.add(run)
    session.flush()
    spec = spec_of(session, run)
    variables.setdefault("registration_number", f"SIM-{run.id:06d}")
    with clock.pinned(run.virtual_now):
        inst = rt.engine.new_instance(spec.cache_id, spec.content_hash, spec.spec_json, variables)
        simulation_log.add(run, "started", message=f"{run.process_key} started by {user.username}")
        _step(rt, run, inst, lambda: inst.run_steps())
    _flush(session, run)
    return run


def _start_time(value: Any) -> datetime:
    if value is None:
        return clock.now()
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise Invalid(
            "start_at must be an ISO 8601 date-time with an offset",
            code="invalid_simulation",
            details=[{"field": "start_at", "message": "ISO 8601 with offset"}],
        )
    return when


def _start_variables(rt: Runtime, run: SimulationRun, given: Any) -> dict[str, Any]:
    """The start record: validated against the start form like a real intake (422 naming fields)."""
    if given is not None and not isinstance(given, dict):
        raise BadRequest("variables must be an object", code="bad_request", details=[{"field": "variables"}])
    form = simulation_sources.start_form(rt, run)
    if form is None:
        return dict(given or {})
    with clock.pinned(run.virtual_now):
        variables = dict(given) if given is not None else sample_answer(form, run.virtual_now)
        validate_against(form, variables)
    return {
        **dict.fromkeys(form.get("properties", {})),
        **variables,
        "registered_by": run.owner,
        "received_at": variables.get("received_at") or run.virtual_now.isoformat(),
    }


# --- changing -----------------------------------------------------------------------------
def check_lock(run: SimulationRun, expected: Any) -> None:
    """409 when the caller's ``lock_version`` is not the run's (someone moved it on since)."""
    if expected is None:
        return
    if isinstance(expected, bool) or not isinstance(expected, int):
        raise Invalid(
            "lock_version must be a whole number",
            code="invalid_simulation",
            details=[{"field": "lock_version", "message": "whole number"}],
        )
    if expected != run.lock_version:
        raise Conflict("the run was changed since you read it; reload and try again", code="simulation_changed")


def _require_running(run: SimulationRun) -> None:
    if run.status != "running":
        raise Conflict(f"the run is {run.status}; start a new one", code="simulation_not_running")


def ready_task(inst: Instance, task_id: str) -> UserTaskView:
    """A ready user task of the run (404 when the run has no such ready task)."""
    view = next((t for t in inst.ready_user_tasks() if t.id == task_id), None)
    if view is None:
        raise NotFound(f"no ready task {task_id} in this run", code="unknown_task")
    return view


def complete_task(
    rt: Runtime, session: Session, run: SimulationRun, task_id: str, data: Any, *, lock_version: Any = None
) -> SimulationRun:
    """Answer a ready user task of the run: the data is checked against the task's form like a
    real task's (422 naming the fields), then the run moves to its next wait."""
    check_lock(run, lock_version)
    _require_running(run)
    if not isinstance(data, dict):
        raise Invalid("data must be an object", code="invalid_data", details=[{"field": "data", "message": "object"}])
    inst = load(rt, session, run)
    view = ready_task(inst, task_id)
    schema = simulation_sources.form_schema(rt, run, view.form_key)
    with clock.pinned(run.virtual_now):
        data = with_read_only_values(schema, data, inst.variables())
        validate_against(schema, data)
        simulation_log.add(run, "task_completed", element_id=view.element_id, message=view.name)
        inst.complete_task(task_id, data)
        _step(rt, run, inst, lambda: inst.run_steps())
    _flush(session, run)
    return run


def move_clock(
    rt: Runtime, session: Session, run: SimulationRun, body: dict[str, Any], *, lock_version: Any = None
) -> SimulationRun:
    """Move the run's clock forward (never back), firing each timer at its own due time, in
    order, until none is due at the target; then the run waits at the target time."""
    check_lock(run, lock_version)
    _require_running(run)
    start = run.virtual_now
    target = move_target(body, start, default_calendar(), max_days=rt.settings.max_clock_advance_days)
    inst = load(rt, session, run)
    seen: set[tuple[datetime, frozenset[str]]] = set()
    for _ in range(MAX_TIMER_ROUNDS):
        due = _due_by(inst, target)
        if not due or run.status != "running":
            break
        first = min(due.values())
        signature = (first, frozenset(tid for tid, d in due.items() if d == first))
        if signature in seen:
            break  # the engine does not take it (yet): no busy loop on a timer that cannot fire
        seen.add(signature)
        run.virtual_now = max(run.virtual_now, first)
        with clock.pinned(run.virtual_now + _DUE_NOW):
            _step(rt, run, inst, lambda: inst.run_steps())
    if run.status == "running":  # a run stopped at an incident keeps the time it stopped at
        run.virtual_now = max(run.virtual_now, target)
    simulation_log.add(
        run,
        "clock_moved",
        message=f"{_local(start)} → {_local(run.virtual_now)}",
        params={"from": _local(start), "to": _local(run.virtual_now)},
    )
    if run.status == "running":
        with clock.pinned(run.virtual_now + _DUE_NOW):
            _step(rt, run, inst, lambda: inst.run_steps())
    _flush(session, run)
    return run


def _due_by(inst: Instance, target: datetime) -> dict[str, datetime]:
    """The waiting timers due at ``target`` or before, by engine task id."""
    due = {t["task_id"]: parse_due(t["value"]) for t in inst.waiting_timers()}
    return {tid: d for tid, d in due.items() if d is not None and d <= target}


def _ended(inst: Instance, task_id: str, still: dict[str, str]) -> bool:
    """A timer that left the waiting ones by firing (not cancelled with its activity)."""
    state = inst.task_state(task_id)
    return state == "completed" or (task_id not in still and state not in ("cancelled", "waiting"))


def _snapshot(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _local(moment: datetime) -> str:
    return moment.astimezone(clock.business_tz).isoformat()


def delete(session: Session, run: SimulationRun, *, lock_version: Any = None) -> None:
    check_lock(run, lock_version)
    session.delete(run)
    _flush(session)


# --- one step ---------------------------------------------------------------------------
def _step(rt: Runtime, run: SimulationRun, inst: Instance, step: Callable[[], StepResult]) -> int:
    """Run ``step`` (inside the pinned clock) and keep the outcome on the run: its state, the
    timers that fired, the tasks that became ready, the effects it would have had, an incident.
    Returns how many timers fired."""
    # the engine changes a cycle's value in place: compare copies
    waiting = {t["task_id"]: (t, _snapshot(t["value"])) for t in inst.waiting_timers()}
    ready_before = {t.id for t in inst.ready_user_tasks()}
    result = step()
    still = {t["task_id"]: _snapshot(t["value"]) for t in inst.waiting_timers()}
    fired = [
        t
        for tid, (t, value) in waiting.items()
        # ran, or a cycle that moved on to its next occurrence (or ended), not one cut short
        if t["element_id"] in result.ran or still.get(tid, value) != value or _ended(inst, tid, still)
    ]
    for timer in fired:
        simulation_log.add(run, "timer_fired", element_id=timer["element_id"], message=str(timer["name"]))
    for effect in inst.take_effects():
        simulation_log.effect(run, effect)
    for task in inst.ready_user_tasks():
        if task.id not in ready_before:
            groups = ", ".join(task.candidate_groups) or "-"
            simulation_log.add(run, "task_ready", element_id=task.element_id, message=f"{task.name} ({groups})")
    try:
        run.state_json = rt.engine.dump(inst)
    except Exception as exc:  # data no run can keep: an incident, the last good state stays
        result.incident = result.incident or EngineIncident(None, f"the run's data cannot be stored: {exc}")
    if result.incident is not None:
        run.status = "error"
        run.incident = {"element_id": result.incident.element_id, "message": result.incident.message}
        simulation_log.add(run, "incident", element_id=result.incident.element_id, message=result.incident.message)
    elif result.completed and run.status != "completed":
        run.status = "completed"
        simulation_log.add(run, "completed", message=run.process_key)
    return len(fired)


def _flush(session: Session, run: SimulationRun | None = None) -> None:
    if run is not None:
        run.updated_at = utcnow()  # outside the pinned clock: the server's time
    try:
        session.flush()
    except StaleDataError:
        raise Conflict("the run was changed by someone else; reload and try again", code="simulation_changed") from None

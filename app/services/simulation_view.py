"""What the API and the page show of a simulation run: one run at a time (its workflow is read
once), or a bounded list of summaries read off the rows alone."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from app.clock import clock
from app.engine import instance_diagram, parse_due
from app.models import SimulationRun
from app.runtime import Runtime
from app.services import simulation_sources, simulations
from app.services.sample_answers import sample_answer
from app.services.tasks import with_read_only_values


def summary(run: SimulationRun) -> dict[str, Any]:
    """A run as listed: no workflow, no diagram, no log."""
    return {
        "id": run.id,
        "owner": run.owner,
        "process_key": run.process_key,
        "version": run.version,
        "definition_id": run.definition_id,
        "draft_id": run.draft_id,
        "status": run.status,
        "virtual_now": run.virtual_now.astimezone(clock.business_tz).isoformat(),
        "created_at": run.created_at.isoformat(),
        "updated_at": run.updated_at.isoformat(),
        "lock_version": run.lock_version,
    }


def describe(rt: Runtime, session: Session, run: SimulationRun) -> dict[str, Any]:
    """The run with its ready tasks (form, schema, a sample answer), waiting timers, what the
    diagram draws, the incident if any, and the log (newest last)."""
    if not run.state_json:  # its very first step could not be stored: only the incident to show
        return {
            **summary(run),
            "tasks": [],
            "timers": [],
            "elements": {},
            "flows_taken": [],
            "variables": {},
            "incident": run.incident,
            "log": list(run.log or []),
        }
    inst = simulations.load(rt, session, run)
    spec = simulations.spec_of(session, run)
    with clock.pinned(run.virtual_now):
        variables = inst.variables()
        tasks = []
        for task in inst.ready_user_tasks() if run.status == "running" else []:
            schema = simulation_sources.form_schema(rt, run, task.form_key)
            sample = with_read_only_values(schema, sample_answer(schema, run.virtual_now), variables)
            tasks.append(
                {
                    "id": task.id,
                    "element_id": task.element_id,
                    "name": task.name,
                    "form_key": task.form_key,
                    "candidate_groups": task.candidate_groups,
                    "schema": schema,
                    "sample": sample,
                }
            )
    timers = []
    for timer in inst.waiting_timers():
        due = parse_due(timer["value"])
        timers.append(
            {
                "element_id": timer["element_id"],
                "name": timer["name"],
                "due": due.astimezone(clock.business_tz).isoformat() if due else None,
                "interrupting": timer["interrupting"],
            }
        )
    timers.sort(key=lambda t: t["due"] or "")
    diagram = instance_diagram(inst, spec.cache_id, spec.content_hash, lambda: run.xml)
    return {
        **summary(run),
        "tasks": tasks,
        "timers": timers,
        "elements": {k: {"state": v.state, "count": v.count} for k, v in diagram.elements.items()},
        "flows_taken": diagram.flows_taken,
        "incident": run.incident,
        "variables": json.loads(json.dumps(variables, default=str)),
        "log": list(run.log or []),
    }

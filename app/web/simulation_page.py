"""What the simulation pages show: a run's clock, diagram markers, timers, task forms, log;
and one's own runs. Words come from here, translated; the data from ``simulation_view``."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext, lazy_gettext
from sqlalchemy.orm import Session

from app.errors import AppError
from app.models import SimulationRun, User
from app.runtime import Runtime
from app.services import simulation_view, simulations
from app.web.forms_render import display_values
from app.web.notification_view import KINDS
from app.web.pages import form_context
from app.web.presenters import bilingual, group_name, local_time
from app.web.template_helpers import error_text

RUN_STATUSES = {
    "running": lazy_gettext("Running"),
    "completed": lazy_gettext("Completed"),
    "error": lazy_gettext("Stopped at an incident"),
}
LOG_KINDS = {
    "started": lazy_gettext("Started"),
    "task_ready": lazy_gettext("Task ready"),
    "task_completed": lazy_gettext("Task answered"),
    "timer_fired": lazy_gettext("Timer fired"),
    "would_notify": lazy_gettext("Would notify (not sent)"),
    "clock_moved": lazy_gettext("Clock moved"),
    "incident": lazy_gettext("Incident"),
    "completed": lazy_gettext("Completed"),
}
ERRORS = {
    "simulation_changed": lazy_gettext("The run was changed in another window; this page now shows it as it is."),
    "simulation_not_running": lazy_gettext("The run has ended; start a new one."),
    "clock_backwards": lazy_gettext("The run's clock only moves forward."),
    "invalid_clock": lazy_gettext("The clock cannot move there: give a later date and time, not too far ahead."),
    "bad_clock_request": lazy_gettext("Choose how far to move the clock."),
}
# the page's clock buttons: form value -> the API's move
CLOCK_BUTTONS: dict[str, dict[str, Any]] = {
    "hour": {"advance_seconds": 3600},
    "working_hours": {"working_hours": 24},
    "monday": {"next_weekday": "monday", "time": "09:00"},
    "day": {"advance_seconds": 86400},
}


def clock_move(form: Mapping[str, str]) -> dict[str, Any]:
    """The move a clock button (or the "to" field) asks for; unknown buttons move nothing (400)."""
    button = form.get("move", "")
    if button == "to":
        return {"to": _with_offset(form.get("to", ""))}
    return dict(CLOCK_BUTTONS.get(button, {}))


def error_message(error: AppError) -> str:
    return str(ERRORS.get(error.code) or error_text(error))


def _with_offset(value: str) -> str:
    """A ``datetime-local`` value is China time (the page shows China time)."""
    value = value.strip()
    return f"{value}+08:00" if value and len(value) <= 19 and "+" not in value[10:] else value


def run_page(
    rt: Runtime,
    session: Session,
    user: User,
    run: SimulationRun,
    *,
    posted_task: str | None = None,
    posted: Mapping[str, str] | None = None,
    error: AppError | None = None,
) -> str:
    data = simulation_view.describe(rt, session, run)
    forms = []
    for task in data["tasks"]:
        schema = task["schema"]
        is_posted = posted is not None and posted_task == task["id"]
        values = posted if is_posted and posted is not None else display_values(schema, task["sample"])
        choices = {v: v for v in _attachment_values(schema, task["sample"])}
        context = form_context(schema, values=values, error=error if is_posted else None, attachment_choices=choices)
        forms.append({"task": task, "name": bilingual(task["name"]), **context})
    timers = [{**t, "name": bilingual(t["name"]), "due_text": local_time(t["due"])} for t in data["timers"]]
    return render_template(
        "simulation.html",
        run=run,
        data=data,
        status_text=RUN_STATUSES.get(run.status, run.status),
        virtual_now=local_time(data["virtual_now"]),
        timers=timers,
        forms=forms,
        log=[_event(e) for e in reversed(data["log"])],
        diagram_state=json.dumps({"elements": data["elements"], "flows_taken": data["flows_taken"]}),
        overlays=json.dumps(_overlays(data, timers)),
        diagram_labels=json.dumps(
            {
                "loading": gettext("Drawing the diagram…"),
                "failed": gettext("The diagram could not be drawn."),
            }
        ),
        xml_url=url_for("api.simulation_xml", run_id=run.id),
        error=error if posted_task is None else None,
    )


def _event(event: Mapping[str, Any]) -> dict[str, Any]:
    """A log line in the page's language: names of steps and groups, times in China time."""
    kind, params = event["kind"], event.get("params") or {}
    details = str(event.get("message") or "")
    if kind in ("task_ready", "task_completed", "timer_fired"):
        details = bilingual(details)
    elif kind == "clock_moved" and params.get("from"):
        details = f"{local_time(params['from'])} → {local_time(params['to'])}"
    elif kind == "would_notify" and params:
        recipients = [group_name(g) for g in params.get("groups") or []] + list(params.get("users") or [])
        details = gettext(
            "%(kind)s to %(recipients)s: %(title)s",
            kind=KINDS.get(params.get("kind", ""), params.get("kind", "")),
            recipients=", ".join(recipients) or "—",
            title=params.get("title", ""),
        )
    return {**event, "kind_text": LOG_KINDS.get(kind, kind), "at_text": local_time(event["at"]), "details": details}


def _attachment_values(schema: Mapping[str, Any], sample: Mapping[str, Any]) -> list[str]:
    found = []
    for key, prop in (schema.get("properties") or {}).items():
        value = sample.get(key)
        if not isinstance(prop, Mapping):
            continue
        if prop.get("format") == "attachment" and isinstance(value, str):
            found.append(value)
        items = prop.get("items")
        if isinstance(items, Mapping) and items.get("format") == "attachment" and isinstance(value, list):
            found.extend(str(v) for v in value)
    return found


def _overlays(data: Mapping[str, Any], timers: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """Notes on the diagram: a waiting timer's due time, a fired timer's time, the incident."""
    notes: dict[str, list[dict[str, str]]] = {}
    for timer in timers:
        text = gettext("due %(time)s", time=timer["due_text"])
        notes.setdefault(timer["element_id"], []).append({"kind": "due", "text": text})
    for event in data["log"]:
        if event["kind"] == "timer_fired" and event["element_id"]:
            text = gettext("fired %(time)s", time=local_time(event["at"]))
            notes.setdefault(event["element_id"], []).append({"kind": "fired", "text": text})
    incident = data.get("incident")
    if incident and incident.get("element_id"):
        notes.setdefault(incident["element_id"], []).append({"kind": "failed", "text": gettext("incident")})
    return notes


def runs_page(session: Session, user: User) -> str:
    runs = simulations.list_mine(session, user)
    return render_template("simulations.html", runs=runs, statuses=RUN_STATUSES)

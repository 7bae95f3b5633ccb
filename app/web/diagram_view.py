"""The case page's diagram: what the template needs to set the viewer up, and the side panel
with one element's history (who, when, what data), labelled in the page's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import render_template, url_for
from flask_babel import gettext
from sqlalchemy.orm import Session

from app.models import AuditEntry, ProcessInstance, TaskRecord
from app.runtime import Runtime
from app.services import diagrams
from app.web import complaint_view, history_view, timing
from app.web.presenters import current_lang, group_name
from app.web.variables_view import VariableRow, describe_variables, property_index

ELEMENT_PLACEHOLDER = "__element__"  # the script puts the clicked element's id here
INCIDENT_SHOWN = 120  # characters of an incident's message on the diagram (all of it in the tooltip)


@dataclass
class HistoryItem:
    entry: AuditEntry
    summary: str
    data: list[VariableRow]


def viewer(
    model: ProcessInstance,
    tasks: Iterable[TaskRecord],
    timers: Iterable[Mapping[str, Any]],
    incidents: Iterable[Mapping[str, Any]],
    now: datetime,
) -> dict[str, Any]:
    """What the case page hands the viewer script: where to fetch the version's XML, the element
    states and an element's history; the notes to draw; the few words it shows itself."""
    return {
        "xml_url": url_for("api.definition_xml", key=model.process_key, version=model.version),
        "state_url": url_for("api.instance_diagram", instance_id=model.id),
        "history_url": url_for("web.element_history", instance_id=model.id, element_id=ELEMENT_PLACEHOLDER),
        "placeholder": ELEMENT_PLACEHOLDER,
        "overlays": overlays(tasks, timers, incidents, now),
        "labels": {
            "loading": gettext("Drawing the diagram…"),
            "failed": gettext("The diagram could not be drawn."),
            "history_failed": gettext("The history of this step could not be loaded."),
            "times": gettext("reached %(n)s times", n="{n}"),
        },
    }


def holders(task: TaskRecord) -> str:
    """Who holds an open task: its assignee, else the groups it is offered to."""
    if task.assignee:
        return gettext("Held by %(name)s", name=task.assignee)
    groups = ", ".join(group_name(g) for g in task.candidate_groups or [])
    return gettext("Open to %(groups)s", groups=groups) if groups else gettext("Not assigned")


def overlays(
    tasks: Iterable[TaskRecord],
    timers: Iterable[Mapping[str, Any]],
    incidents: Iterable[Mapping[str, Any]],
    now: datetime,
) -> dict[str, list[dict[str, str]]]:
    """Per element id the notes drawn on it, already in the page's language: who holds an active
    task, a waiting timer's due time and time left, an open incident's message."""
    notes: dict[str, list[dict[str, str]]] = {}
    for task in tasks:
        notes.setdefault(task.element_id, []).append({"kind": "holder", "text": holders(task)})
    for timer in timing.timer_views(timers, now):
        text = gettext("Due %(at)s · %(left)s", at=timer.due.at, left=timer.due.remaining)
        notes.setdefault(timer.element_id, []).append({"kind": f"timer {timer.due.state}".strip(), "text": text})
    for incident in incidents:
        if incident.get("resolved_at") or not incident.get("element_id"):
            continue
        message = str(incident.get("message") or "")
        short = message if len(message) <= INCIDENT_SHOWN else message[: INCIDENT_SHOWN - 1] + "…"
        notes.setdefault(str(incident["element_id"]), []).append({"kind": "incident", "text": short, "title": message})
    return notes


def element_history_panel(rt: Runtime, session: Session, model: ProcessInstance, element_id: str) -> str:
    """The panel's HTML: the element's history, newest first; submitted form data as labelled rows."""
    lang = current_lang()
    forms = rt.forms.of(session, model.definition)
    index = property_index(forms)
    channels = dict(complaint_view.channel_options(forms, lang)) if complaint_view.is_complaint(model) else {}
    items = []
    for entry in diagrams.element_history(session, model, element_id):
        detail: dict[str, Any] = dict(entry.detail or {})
        data = detail.pop("data", None)
        rows = describe_variables(data, index, lang) if isinstance(data, dict) else []
        if entry.type == "task_created":
            summary = ", ".join(group_name(g) for g in detail.get("candidate_groups") or [])
        elif entry.type == "task_completed":
            summary = ""  # its data follows, labelled
        else:
            summary = history_view.summary(entry.type, detail, channels)
        items.append(HistoryItem(entry, summary, rows))
    return render_template("_element_history.html", element_id=element_id, items=items, limit=diagrams.HISTORY_LIMIT)

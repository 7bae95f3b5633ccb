"""What the admin block of the case page shows: for each open task the people who may act on
it, the instance's lock version for the variable form, and refusals in plain words."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import lazy_gettext
from sqlalchemy.orm import Session

from app.errors import AppError
from app.models import ProcessInstance, TaskRecord
from app.services import admin_actions
from app.web.template_helpers import error_text

REFUSALS = {
    "missing_reason": lazy_gettext("Give a reason: it is kept in the case history."),
    "invalid_reason": lazy_gettext("The reason is too long (at most 2,000 characters)."),
    "not_a_candidate": lazy_gettext("This person may not act on the task: they are not in its groups or inactive."),
    "not_confirmed": lazy_gettext("Tick “I confirm” to terminate the case."),
    "instance_changed": lazy_gettext(
        "The case was changed by someone else since you opened the page; nothing was saved. Check it and try again."
    ),
    "invalid_lock_version": lazy_gettext("The form is out of date; reload the page."),
    "invalid_variables": lazy_gettext("This variable cannot be set:"),
    "invalid_json_value": lazy_gettext(
        "The value must be JSON: a number, true or false, null, text in quotes, [...] or {...}."
    ),
    "invalid_data": lazy_gettext("The value does not fit the complaint's intake form:"),
    "unknown_timer": lazy_gettext("This timer is no longer waiting (it fired or was cancelled)."),
    "invalid_clock": lazy_gettext("The clock cannot move there:"),
    "clock_backwards": lazy_gettext("The clock only moves forward."),
}


def refusal_text(err: AppError) -> str:
    """A refused admin action in plain words, naming the fields the error names."""
    text = str(REFUSALS.get(err.code, error_text(err)))
    fields = [f"{d['field']}: {d.get('message', '')}" for d in err.details if d.get("field")]
    if fields and text.endswith(":"):
        text = f"{text} {'; '.join(fields)}"
    return text


@dataclass(frozen=True)
class Candidate:
    username: str
    display_name: str


@dataclass(frozen=True)
class AssignableTask:
    task: TaskRecord
    candidates: list[Candidate]


@dataclass(frozen=True)
class AdminPanel:
    lock_version: int
    tasks: list[AssignableTask]
    variable_names: list[str]


def panel(session: Session, model: ProcessInstance, tasks: Sequence[TaskRecord]) -> AdminPanel:
    """The admin block's data for one case (its open tasks only: a case has a handful)."""
    assignable = [
        AssignableTask(
            t,
            [
                Candidate(u.username, u.display_name)
                for u in admin_actions.people_who_may_act(session, t)
                if u.username != t.assignee
            ],
        )
        for t in tasks
        if t.state == "ready"
    ]
    return AdminPanel(model.lock_version, assignable, sorted(model.variables or {}))

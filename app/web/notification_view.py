"""How a notification reads: its title in the reader's language (from its code and parameters
when it has them) and its time, relative ("3 hours ago") and absolute, in China time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import format_timedelta, gettext, lazy_gettext

from app.clock import utcnow
from app.models import Notification
from app.web.complaint_view import CRITERIA
from app.web.presenters import bilingual, local_time

KINDS = {
    "task": lazy_gettext("Task"),
    "escalation": lazy_gettext("Escalation"),
    "reminder": lazy_gettext("Reminder"),
    "info": lazy_gettext("Information"),
}


@dataclass(frozen=True)
class Moment:
    """A time as a person reads it: ``relative`` ("3 hours ago"), ``absolute`` (local wall clock)."""

    iso: str
    relative: str
    absolute: str


def moment(value: datetime | None, now: datetime | None = None) -> Moment | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    delta = value - (now or utcnow())
    if abs(delta) < timedelta(minutes=1):
        relative = gettext("just now")
    else:
        relative = format_timedelta(delta, granularity="minute", add_direction=True)
    return Moment(value.isoformat(), relative, local_time(value))


def title(n: Notification) -> str:
    """The notification's title in the page's language."""
    params: Mapping[str, Any] = n.params or {}
    task = bilingual(str(params.get("task") or ""))
    key = str(params.get("business_key") or f"#{n.instance_id}")
    if n.code == "task_ready":
        return gettext("New task “%(task)s” (%(key)s)", task=task, key=key)
    if n.code == "task_assigned":
        return gettext("%(by)s gave you the task “%(task)s” (%(key)s)", by=params.get("by") or "?", task=task, key=key)
    if n.code == "severity_escalated":
        return gettext(
            "%(key)s: severity raised from level %(old)s to level %(new)s",
            key=key,
            old=params.get("from") or "?",
            new=params.get("to") or "?",
        )
    return bilingual(n.title)


def message(n: Notification) -> str:
    """The notification's message in the page's language."""
    params: Mapping[str, Any] = n.params or {}
    if n.code == "severity_escalated":
        reasons = ", ".join(str(CRITERIA.get(str(r), r)) for r in params.get("reasons") or [])
        text = gettext("The customer contacted us %(n)s times.", n=params.get("contact_count") or "?")
        return f"{text} ({reasons})" if reasons else text
    return bilingual(n.message)


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, KINDS["info"]))

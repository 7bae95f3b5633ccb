"""Due times and pending timers as a person reads them: "3 h 20 min left", "overdue by 5 min".

``now`` always comes from the product clock (``app.clock.utcnow``), so with the simulated
clock the pages follow the simulated time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import gettext

from app.web.presenters import bilingual, local_time

# A due time this close (or closer) is highlighted as "due soon".
DUE_SOON = timedelta(hours=2)


@dataclass(frozen=True)
class Due:
    """A due time on a page: the local time, ``overdue`` / ``soon`` / ``""``, and the time left."""

    at: str
    state: str
    remaining: str

    @property
    def flag(self) -> str:
        if self.state == "overdue":
            return gettext("Overdue")
        if self.state == "soon":
            return gettext("Due soon")
        return ""


@dataclass(frozen=True)
class TimerView:
    name: str
    element_id: str
    due: Due
    interrupting: bool

    @property
    def kind(self) -> str:
        return gettext("Deadline (ends the task)") if self.interrupting else gettext("Reminder")


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def duration(delta: timedelta) -> str:
    """``2 d 3 h``, ``3 h 20 min``, ``5 min`` (to the nearest minute; under a minute: ``< 1 min``)."""
    minutes = round(abs(delta).total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return gettext("%(d)s d %(h)s h", d=days, h=hours)
    if hours:
        return gettext("%(h)s h %(m)s min", h=hours, m=mins)
    if mins:
        return gettext("%(m)s min", m=mins)
    return gettext("< 1 min")


def time_left(due_at: datetime, now: datetime) -> str:
    """``3 h 20 min left`` before the due time, ``overdue by 5 min`` after it."""
    delta = _aware(due_at) - now
    if delta > timedelta(0):
        return gettext("%(duration)s left", duration=duration(delta))
    return gettext("overdue by %(duration)s", duration=duration(delta))


def due(due_at: datetime | None, now: datetime) -> Due | None:
    if due_at is None:
        return None
    left = _aware(due_at) - now
    state = "overdue" if left <= timedelta(0) else "soon" if left <= DUE_SOON else ""
    return Due(local_time(due_at), state, time_left(due_at, now))


def timer_views(timers: Iterable[Mapping[str, Any]], now: datetime) -> list[TimerView]:
    """The pending timers of an instance (``instance_details.describe``), soonest first."""
    views = []
    for t in sorted(timers, key=lambda t: _aware(t["due_at"])):
        shown = due(t["due_at"], now)
        assert shown is not None
        name = bilingual(str(t.get("name") or t["element_id"]))
        views.append(TimerView(name, str(t["element_id"]), shown, bool(t.get("interrupting"))))
    return views


@dataclass(frozen=True)
class DeadlineView:
    """A task's own time limit: the rule's name in the page's language and when it is due."""

    rule: str
    due: Due


def deadline(row: Any, now: datetime) -> DeadlineView | None:
    """The time limit that governs the task (``tasks.due_rule``), or None: no time limit. Rows
    synced before the rule was kept show the due time under a generic name."""
    shown = due(row.due_at, now)
    if shown is None:
        return None
    return DeadlineView(bilingual(row.due_rule_name) if row.due_rule_name else gettext("Due"), shown)

"""What the instance list searches: the summary columns an instance carries and the filters' SQL.

The search columns (``severity_level``, ``customer_name``, ``customer_name_key``,
``customer_phone``) are read from the instance's variables each time it is saved
(``instances.save`` calls ``refresh``), so a list never reads the variables or the engine state.
Names and phones are searched by their start, on a normalized copy with an index ending in ``id``
(a prefix is an index range; a substring would read every row): names NFKC-normalized,
case-folded, with runs of spaces as one; phones as their digits only.

The filters on open tasks read the task tables by index: "overdue" probes each listed case's own
open tasks (``ix_task_instance_state_created``); "current task" and "group" start from the step's
or the group's open tasks (``ix_task_ready_element_instance``, ``ix_task_group_created``) and
take their cases.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import aliased

from app.models import ProcessInstance, TaskCandidateGroup, TaskRecord

SEVERITY_LEVELS = ("A", "B", "C", "D", "E")
NAME_LENGTH = 100
PHONE_LENGTH = 32


def name_key(name: object) -> str | None:
    """A name as it is searched: NFKC, case-folded, one space between words (None if empty)."""
    if not isinstance(name, str):
        return None
    key = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return key[:NAME_LENGTH] or None


def phone_digits(phone: object) -> str | None:
    """A phone as it is searched and shown in exports: its ASCII digits (full-width ones too)."""
    if not isinstance(phone, str):
        return None
    digits = "".join(c for c in unicodedata.normalize("NFKC", phone) if c.isdigit() and c.isascii())
    return digits[:PHONE_LENGTH] or None


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def summary_columns(variables: dict[str, Any] | None) -> dict[str, str | None]:
    """The search columns of an instance with these variables (``complainant.name``/``.phone``,
    ``severity.level``: the complaint process's facts; None for a process without them)."""
    data = _mapping(variables)
    person = _mapping(data.get("complainant"))
    severity = _mapping(data.get("severity"))
    name = person.get("name")
    level = severity.get("level")
    shown = " ".join(name.split())[:NAME_LENGTH] if isinstance(name, str) else ""
    return {
        "severity_level": level if level in SEVERITY_LEVELS else None,
        "customer_name": shown or None,
        "customer_name_key": name_key(name),
        "customer_phone": phone_digits(person.get("phone")),
    }


def refresh(model: ProcessInstance) -> None:
    """Write the instance's search columns from its variables (part of every save)."""
    for column, value in summary_columns(model.variables).items():
        if getattr(model, column) != value:
            setattr(model, column, value)


def _after(prefix: str) -> str | None:
    """The smallest text greater than every text starting with ``prefix`` (bytewise, which is
    code point order in UTF-8); None if there is none."""
    while prefix:
        last = ord(prefix[-1]) + 1
        if last == 0xD800:  # surrogates are not text
            last = 0xE000
        if last <= 0x10FFFF:
            return prefix[:-1] + chr(last)
        prefix = prefix[:-1]
    return None


def starts_with(column: Any, prefix: str) -> ColumnElement[bool]:
    """``column LIKE 'prefix%'`` as an index range (no wildcard to escape; the column compares
    bytewise: ``models.processes.BYTEWISE``)."""
    upper = _after(prefix)
    return and_(column >= prefix, column < upper) if upper is not None else column >= prefix


def overdue(now: datetime) -> ColumnElement[bool]:
    """The one definition of an overdue case: it has an open (ready) task whose ``due_at`` (the
    deadline of its step, ``timers.due_by_task``) has passed. A pending timer past its due time is
    not the measure: the scheduler fires it within a wake-up, and what stays late is the task."""
    # An ``IN``, not a correlated ``EXISTS``: the late open tasks are one range of ``ix_task_ready_due``
    # (few, whatever the number of cases), so the list and its capped count test each case against that
    # set instead of probing every case's tasks newest first.
    task = aliased(TaskRecord)  # its own alias: the handler's list walks the task table itself
    late = select(task.instance_id).where(task.state == "ready", task.due_at < now)
    return ProcessInstance.id.in_(late)


def has_open_task(element_id: str) -> ColumnElement[bool]:
    """The case waits on this user task (its element id) now. An ``IN``, not a correlated
    ``EXISTS``: a rare step's cases are then found from ``ix_task_ready_element_instance`` instead
    of probing every case newest first until a page is full."""
    task = aliased(TaskRecord)
    waiting = select(task.instance_id).where(task.element_id == element_id, task.state == "ready")
    return ProcessInstance.id.in_(waiting)


def has_open_task_for_group(group_key: str) -> ColumnElement[bool]:
    """A group is a candidate of one of the case's open tasks (candidate-group rows exist only
    for open tasks): the group's rows (``ix_task_group_created``) name the tasks, their rows the
    cases."""
    task, group = aliased(TaskRecord), aliased(TaskCandidateGroup)
    waiting = select(task.instance_id).join(group, group.task_id == task.id).where(group.group_key == group_key)
    return ProcessInstance.id.in_(waiting)

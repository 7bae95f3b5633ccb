"""Bounded, index-backed task lists: keyset pages on the inbox's sort and an opaque cursor.

The membership test is never an ``IN (SELECT ...)`` under an ``OR`` (a SubPlan that rescans
for every candidate row on PostgreSQL): the user's own tasks and their groups' tasks are two
index paths, each ordered and limited on its own, joined by a ``UNION`` of task ids; the group
path is a correlated ``EXISTS`` on ``task_candidate_groups`` that the planner makes a semi-join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, Subquery, and_, exists, func, or_, select, union
from sqlalchemy.orm import Session

from app.models import TaskCandidateGroup, TaskRecord, User
from app.services import conflicts, cursors

SORTS = ("created", "due")
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
COUNT_CAP = 1000


@dataclass(frozen=True)
class Position:
    """Where a page ends: the sort key values and the id of its last task."""

    sort: str
    created_at: datetime
    due_at: datetime | None
    id: str


CURSOR_KEYS = frozenset({"s", "c", "d", "i"})


def encode_cursor(row: TaskRecord, sort: str) -> str:
    due = row.due_at.isoformat() if row.due_at else None
    return cursors.encode({"s": sort, "c": row.created_at.isoformat(), "d": due, "i": row.id})


def _moment(value: Any) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise cursors.bad_cursor("malformed")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise cursors.bad_cursor("malformed") from None
    if moment.tzinfo is None:
        raise cursors.bad_cursor("malformed")
    return moment


def decode_cursor(cursor: str, sort: str) -> Position:
    """The position a cursor names (400 naming ``cursor`` for anything else)."""
    data = cursors.decode(cursor, CURSOR_KEYS)
    if data["s"] != sort:
        raise cursors.bad_cursor("made for another sort order")
    if not isinstance(data["i"], str) or not 0 < len(data["i"]) <= 36:
        raise cursors.bad_cursor("malformed")
    due = None if data["d"] is None else _moment(data["d"])
    return Position(sort, _moment(data["c"]), due, data["i"])


@dataclass(frozen=True)
class _Keys:
    """Where a path reads a task's id and sort keys: the task table, or a group's rows."""

    id: Any
    created_at: Any
    due_at: Any


TASKS = _Keys(TaskRecord.id, TaskRecord.created_at, TaskRecord.due_at)
GROUP_ROWS = _Keys(TaskCandidateGroup.task_id, TaskCandidateGroup.created_at, TaskCandidateGroup.due_at)


def _order(keys: Any, sort: str) -> list[Any]:
    created = [keys.created_at, keys.id]
    return [keys.due_at.asc().nulls_last(), *created] if sort == "due" else created


def _later(keys: _Keys, pos: Position) -> ColumnElement[bool]:
    return or_(keys.created_at > pos.created_at, and_(keys.created_at == pos.created_at, keys.id > pos.id))


def _runs(keys: _Keys, sort: str, after: Position | None) -> list[tuple[list[ColumnElement[bool]], list[Any]]]:
    """(conditions, order) of each index-ordered run of a path after ``after``. The due order is
    two runs, the dated tasks by due time and then the undated ones by creation, so that each
    is the plain order of an index on both databases (SQLite puts NULLs first in an index)."""
    created = [keys.created_at, keys.id]
    if sort != "due":
        return [([] if after is None else [_later(keys, after)], created)]
    runs: list[tuple[list[ColumnElement[bool]], list[Any]]] = []
    if after is None or after.due_at is not None:
        dated: list[ColumnElement[bool]] = [keys.due_at.is_not(None)]
        if after is not None:
            due = after.due_at
            dated.append(or_(keys.due_at > due, and_(keys.due_at == due, _later(keys, after))))
        runs.append((dated, [keys.due_at, *created]))
    undated = [keys.due_at.is_(None)]
    if after is not None and after.due_at is None:
        undated.append(_later(keys, after))
    runs.append((undated, created))
    return runs


def in_groups(group_keys: list[str]) -> ColumnElement[bool]:
    """The task has one of these candidate groups (correlated EXISTS on (task_id, group_key))."""
    return exists().where(TaskCandidateGroup.task_id == TaskRecord.id, TaskCandidateGroup.group_key.in_(group_keys))


def _paths(user: User, scope: str, instance_id: int | None) -> list[tuple[_Keys, list[ColumnElement[bool]]]]:
    """Ways in whose union is what the user may see in ``scope``: the user's own tasks from the
    task table, and each group's unclaimed (scope all: not the user's) tasks from that group's
    rows alone, in the group's own order. Within one instance, where there are only a
    handful of tasks, the group test is a probe of each task instead."""
    ready = [TaskRecord.state == "ready"]
    if instance_id is not None:
        ready.append(TaskRecord.instance_id == instance_id)
    # a task that excludes the user (conflict of interest) is in none of their lists
    ready.append(conflicts.not_excluded(TaskRecord.id, user.username))
    mine = (TASKS, [*ready, TaskRecord.assignee == user.username])
    if scope == "mine":
        return [mine]
    if scope == "all" and user.has_role("admin"):
        return [(TASKS, ready)]
    if instance_id is not None:
        unheld: ColumnElement[bool] = TaskRecord.assignee.is_(None)
        if scope == "all":
            unheld = or_(TaskRecord.assignee.is_(None), TaskRecord.assignee != user.username)
        return [mine, (TASKS, [*ready, unheld, in_groups(user.group_keys)])]
    # a group's rows exist only while its task is ready, and repeat its assignee
    unclaimed: ColumnElement[bool] = TaskCandidateGroup.assignee.is_(None)
    if scope == "all":
        unclaimed = or_(TaskCandidateGroup.assignee.is_(None), TaskCandidateGroup.assignee != user.username)
    free = conflicts.not_excluded(TaskCandidateGroup.task_id, user.username)
    groups = [(GROUP_ROWS, [TaskCandidateGroup.group_key == g, unclaimed, free]) for g in sorted(set(user.group_keys))]
    return [mine, *groups]


def _page_keys(
    user: User, scope: str, instance_id: int | None, sort: str, after: Position | None, limit: int | None
) -> Subquery:
    """(id, created_at, due_at) of the page: each way in and run ordered and limited on its own
    index, merged by a ``UNION`` (a task in two of the user's groups once)."""
    arms = []
    for keys, conditions in _paths(user, scope, instance_id):
        for run, order in _runs(keys, sort, after):
            arm = select(keys.id.label("id"), keys.created_at.label("created_at"), keys.due_at.label("due_at"))
            arms.append(select(arm.where(*conditions, *run).order_by(*order).limit(limit).subquery()))
    merged = union(*arms).subquery() if len(arms) > 1 else arms[0].subquery()
    return select(merged).order_by(*_order(merged.c, sort)).limit(limit).subquery()


def ready_tasks(
    user: User,
    *,
    scope: str = "group",
    instance_id: int | None = None,
    sort: str = "created",
    after: Position | None = None,
    limit: int | None = None,
) -> Select[tuple[TaskRecord]]:
    """The statement for one page of ready tasks the user may see (all of them without
    ``limit``): the page's keys (``_page_keys``), then its tasks read by primary key."""
    keys = _page_keys(user, scope, instance_id, sort, after, limit)
    return select(TaskRecord).join(keys, TaskRecord.id == keys.c.id).order_by(*_order(TaskRecord, sort))


def page(
    session: Session,
    user: User,
    *,
    scope: str = "group",
    instance_id: int | None = None,
    sort: str = "created",
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[TaskRecord], str | None]:
    """One page of the inbox and the cursor of the next one (None on the last page)."""
    after = decode_cursor(cursor, sort) if cursor else None
    stmt = ready_tasks(user, scope=scope, instance_id=instance_id, sort=sort, after=after, limit=limit + 1)
    rows = list(session.scalars(stmt))
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(rows[-1], sort)


def capped_count(session: Session, user: User, *, scope: str = "group", cap: int = COUNT_CAP) -> tuple[int, bool]:
    """How many ready tasks the user may see, counting at most ``cap + 1`` of their keys (no task
    row is read): (count, exact)."""
    keys = _page_keys(user, scope, None, "created", None, cap + 1)
    n = session.scalar(select(func.count()).select_from(keys)) or 0
    return min(n, cap), n <= cap

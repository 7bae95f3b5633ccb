"""Bounded, index-backed task lists: keyset pages on the inbox's sort and an opaque cursor.

The membership test is never an ``IN (SELECT ...)`` under an ``OR`` (a SubPlan that rescans
for every candidate row on PostgreSQL): the user's own tasks and their groups' tasks are two
index paths, each ordered and limited on its own, joined by a ``UNION`` of task ids; the group
path is a correlated ``EXISTS`` on ``task_candidate_groups`` that the planner makes a semi-join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from app.models import TaskCandidateGroup, TaskRecord, User
from app.services import cursors

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


def _order(table: Any, sort: str) -> list[Any]:
    created = [table.created_at, table.id]
    return [table.due_at.asc().nulls_last(), *created] if sort == "due" else created


def _after(pos: Position) -> ColumnElement[bool]:
    """Rows after ``pos`` in the sort order (due: those without a due time last)."""
    later = or_(
        TaskRecord.created_at > pos.created_at, and_(TaskRecord.created_at == pos.created_at, TaskRecord.id > pos.id)
    )
    if pos.sort != "due":
        return later
    if pos.due_at is None:
        return and_(TaskRecord.due_at.is_(None), later)
    return or_(
        TaskRecord.due_at.is_(None),
        TaskRecord.due_at > pos.due_at,
        and_(TaskRecord.due_at == pos.due_at, later),
    )


def in_groups(group_keys: list[str]) -> ColumnElement[bool]:
    """The task has one of these candidate groups (correlated EXISTS on (task_id, group_key))."""
    return exists().where(TaskCandidateGroup.task_id == TaskRecord.id, TaskCandidateGroup.group_key.in_(group_keys))


def _paths(user: User, scope: str) -> list[list[ColumnElement[bool]]]:
    """Disjoint index paths whose union is what the user may see in ``scope``."""
    mine = [TaskRecord.assignee == user.username]
    if scope == "mine":
        return [mine]
    if scope == "all":
        if user.has_role("admin"):
            return [[]]
        others = or_(TaskRecord.assignee.is_(None), TaskRecord.assignee != user.username)
        return [mine, [others, in_groups(user.group_keys)]]
    return [mine, [TaskRecord.assignee.is_(None), in_groups(user.group_keys)]]


def ready_tasks(
    user: User,
    *,
    scope: str = "group",
    instance_id: int | None = None,
    sort: str = "created",
    after: Position | None = None,
    limit: int | None = None,
) -> Select[tuple[TaskRecord]]:
    """The statement for one page of ready tasks the user may see (all of them without ``limit``):
    each path ordered and limited on its own index, the page taken from their ``UNION ALL``."""
    common: list[ColumnElement[bool]] = [TaskRecord.state == "ready"]
    if instance_id is not None:
        common.append(TaskRecord.instance_id == instance_id)
    if after is not None:
        common.append(_after(after))
    paths = _paths(user, scope)
    if len(paths) == 1:
        return select(TaskRecord).where(*common, *paths[0]).order_by(*_order(TaskRecord, sort)).limit(limit)
    arms = []
    for path in paths:
        arm = select(TaskRecord).where(*common, *path).order_by(*_order(TaskRecord, sort)).limit(limit).subquery()
        arms.append(select(arm))
    both = aliased(TaskRecord, union_all(*arms).subquery())
    return select(both).order_by(*_order(both, sort)).limit(limit)


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
    """How many ready tasks the user may see, counting at most ``cap + 1`` rows: (count, exact)."""
    ids = ready_tasks(user, scope=scope, limit=cap + 1).subquery()
    n = session.scalar(select(func.count()).select_from(ids)) or 0
    return min(n, cap), n <= cap

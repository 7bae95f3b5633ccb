"""The bounded instance list: newest first, only the summary columns, a capped count, keyset pages.

A page reads the summary columns the list shows (never the engine state, the variables or the
definition). Each column filter has an index ending in ``id`` (migrations 0010 and 0013), so a
page is an ordered index walk with a LIMIT (a prefix's range: its matches sorted by id); the
filters on open tasks are in ``instance_search``. ``page``/``per_page`` work up to ``COUNT_CAP`` rows deep (an OFFSET is
bounded by that); beyond it, and whenever a client prefers, the ``next_cursor`` of a page names
where it ended and the next page starts there (``id < last id``). The total counts at most
``COUNT_CAP + 1`` matching rows: past the cap it is ``COUNT_CAP`` and not exact."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import BadRequest
from app.input_checks import MAX_DB_INT
from app.models import ProcessInstance, User
from app.services import cursors, instance_search
from app.services.visibility import sees_every_ordinary_case, visible_ids

COUNT_CAP = 10_000
# a handler's count walks each of their ways in (visibility.visible_ids) up to the cap: kept lower
HANDLER_COUNT_CAP = 1_000
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 200
CURSOR_KEYS = frozenset({"i"})

SUMMARY_COLUMNS = (
    ProcessInstance.id,
    ProcessInstance.process_key,
    ProcessInstance.version,
    ProcessInstance.status,
    ProcessInstance.business_key,
    ProcessInstance.created_at,
    ProcessInstance.updated_at,
    ProcessInstance.ended_at,
    ProcessInstance.started_by,
    ProcessInstance.severity_level,
    ProcessInstance.customer_name,
    ProcessInstance.customer_phone,
)
STATUSES = ("running", "completed", "suspended", "terminated", "error")


@dataclass(frozen=True)
class InstanceFilters:
    """What the list is narrowed to (None: any); ``services.instance_filters`` reads them from a
    request. ``created_from``/``created_before`` are UTC instants (from inclusive, before exclusive);
    ``customer_name`` and ``customer_phone`` are starts of the normalized columns
    (``instance_search.name_key``/``phone_digits``)."""

    process_key: str | None = None
    version: int | None = None
    status: str | None = None
    severity: str | None = None
    overdue: bool | None = None
    task: str | None = None
    group: str | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    business_key: str | None = None
    business_key_prefix: str | None = None
    customer_name: str | None = None
    customer_phone: str | None = None
    started_by: str | None = None


@dataclass(frozen=True)
class InstanceRow:
    """One line of the list: the columns a summary shows."""

    id: int
    process_key: str
    version: int
    status: str
    business_key: str | None
    created_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    started_by: str | None
    severity_level: str | None
    customer_name: str | None
    customer_phone: str | None


@dataclass(frozen=True)
class InstancePage:
    items: list[InstanceRow]
    total: int
    total_is_exact: bool
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return cursors.encode({"i": last_id})


def decode_cursor(cursor: str) -> int:
    """The id the previous page ended at (400 naming ``cursor`` for anything else)."""
    last_id = cursors.decode(cursor, CURSOR_KEYS)["i"]
    if isinstance(last_id, bool) or not isinstance(last_id, int) or not 0 < last_id <= MAX_DB_INT:
        raise cursors.bad_cursor("malformed")
    return last_id


def _conditions(filters: InstanceFilters) -> list[ColumnElement[bool]]:
    pi = ProcessInstance
    out: list[ColumnElement[bool]] = []
    equal = (
        (pi.process_key, filters.process_key),
        (pi.version, filters.version),
        (pi.status, filters.status),
        (pi.severity_level, filters.severity),
        (pi.business_key, filters.business_key),
        (pi.started_by, filters.started_by),
    )
    out.extend(column == value for column, value in equal if value is not None and value != "")
    prefixes = (
        (pi.business_key, filters.business_key_prefix),
        (pi.customer_name_key, filters.customer_name),
        (pi.customer_phone, filters.customer_phone),
    )
    out.extend(instance_search.starts_with(column, value) for column, value in prefixes if value)
    if filters.created_from is not None:
        out.append(pi.created_at >= filters.created_from)
    if filters.created_before is not None:
        out.append(pi.created_at < filters.created_before)
    if filters.overdue is not None:
        late = instance_search.overdue(utcnow())
        out.append(late if filters.overdue else ~late)
    if filters.task:
        out.append(instance_search.has_open_task(filters.task))
    if filters.group:
        out.append(instance_search.has_open_task_for_group(filters.group))
    return out


def _matching(
    viewer: User | None, filters: InstanceFilters, before: int | None, rows: int | None
) -> list[ColumnElement[bool]]:
    """The conditions of the list's rows below ``before``; for a viewer who does not see
    everything, restricted to their newest ``rows`` visible matches (``visible_ids``: each way
    in walked in instance order and stopped, so the page never gathers all they may see)."""
    where = _conditions(filters)
    if viewer is not None and rows is not None:
        ids = visible_ids(viewer, where, before=before, limit=rows)
        if ids is not None:
            where.append(ProcessInstance.id.in_(ids))
    if before is not None:
        where.append(ProcessInstance.id < before)
    return where


def list_query(
    viewer: User | None,
    filters: InstanceFilters,
    *,
    before: int | None = None,
    offset: int = 0,
    limit: int,
) -> Select[Any]:
    """The statement for one page: summary columns, newest first, after the id ``before``."""
    where = _matching(viewer, filters, before, offset + limit)
    stmt = select(*SUMMARY_COLUMNS).where(*where).order_by(ProcessInstance.id.desc())
    return stmt.offset(offset or None).limit(limit)


def capped_count(session: Session, viewer: User | None, filters: InstanceFilters, cap: int) -> tuple[int, bool]:
    """How many instances match, counting at most ``cap + 1`` of them: (count, exact)."""
    ids = select(ProcessInstance.id).where(*_matching(viewer, filters, None, cap + 1)).limit(cap + 1).subquery()
    n = session.scalar(select(func.count()).select_from(ids)) or 0
    return min(n, cap), n <= cap


@dataclass(frozen=True)
class StatusCount:
    status: str
    total: int
    total_is_exact: bool


def status_counts(
    session: Session, viewer: User | None, filters: InstanceFilters, cap: int | None = None
) -> list[StatusCount]:
    """How many instances of each status match the other filters, each counted like the total
    (at most ``cap + 1`` index entries: the list's tabs cost five bounded counts)."""
    cap = count_cap(viewer) if cap is None else cap
    out = []
    for status in STATUSES:
        total, exact = capped_count(session, viewer, replace(filters, status=status), cap)
        out.append(StatusCount(status, total, exact))
    return out


def count_cap(viewer: User | None) -> int:
    """How far the list counts (and pages by number) for this viewer."""
    if viewer is None or sees_every_ordinary_case(viewer):
        return COUNT_CAP
    return min(COUNT_CAP, HANDLER_COUNT_CAP)


def _check_page(page: int, per_page: int, cursor: str | None, cap: int) -> None:
    if cursor and page != 1:
        raise BadRequest(
            "give either 'page' or 'cursor', not both",
            code="bad_parameter",
            details=[{"field": "page", "message": "must be 1 (or absent) with a cursor"}],
        )
    if page > 1 and page * per_page > cap:  # the first page is always served
        raise BadRequest(
            f"query parameter 'page' reaches past the first {cap:,} instances; page on with 'cursor' "
            "(the next_cursor of the previous page)",
            code="bad_parameter",
            details=[{"field": "page", "message": f"page * per_page must be at most {cap}; use cursor"}],
        )


def list_page(
    session: Session,
    viewer: User | None,
    filters: InstanceFilters,
    *,
    page: int = 1,
    per_page: int = DEFAULT_PER_PAGE,
    cursor: str | None = None,
    cap: int | None = None,
) -> InstancePage:
    """One page of the list by page number or, for any depth, after ``cursor``; ``viewer`` None
    lists everything (otherwise what they may see, through ``visibility.visible_ids``)."""
    cap = count_cap(viewer) if cap is None else cap
    _check_page(page, per_page, cursor, cap)
    before = decode_cursor(cursor) if cursor else None
    stmt = list_query(viewer, filters, before=before, offset=(page - 1) * per_page, limit=per_page + 1)
    rows = [InstanceRow(*row) for row in session.execute(stmt)]
    next_cursor = encode_cursor(rows[per_page - 1].id) if len(rows) > per_page else None
    if before is None and next_cursor is None and (rows or page == 1):  # the last page: the count is known
        total, exact = (page - 1) * per_page + len(rows), True
    else:
        total, exact = capped_count(session, viewer, filters, cap)
    return InstancePage(rows[:per_page], total, exact, next_cursor)

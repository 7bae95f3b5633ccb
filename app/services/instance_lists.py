"""The bounded instance list: newest first, only the summary columns, a capped count, keyset pages.

A page reads the nine columns the list shows (never the engine state, the variables or the
definition). Each filter has an index ending in ``id`` (migration 0010), so a page is an ordered
index walk with a LIMIT. ``page``/``per_page`` work up to ``COUNT_CAP`` rows deep (an OFFSET is
bounded by that); beyond it, and whenever a client prefers, the ``next_cursor`` of a page names
where it ended and the next page starts there (``id < last id``). The total counts at most
``COUNT_CAP + 1`` matching rows: past the cap it is ``COUNT_CAP`` and not exact."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from app.errors import BadRequest
from app.input_checks import MAX_DB_INT
from app.models import ProcessInstance, User
from app.services import cursors
from app.services.visibility import sees_everything, visible_ids

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
)


@dataclass(frozen=True)
class InstanceFilters:
    """What the list is narrowed to (None: any)."""

    process_key: str | None = None
    status: str | None = None
    business_key: str | None = None
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
    out: list[ColumnElement[bool]] = []
    if filters.process_key:
        out.append(ProcessInstance.process_key == filters.process_key)
    if filters.status:
        out.append(ProcessInstance.status == filters.status)
    if filters.business_key:
        out.append(ProcessInstance.business_key == filters.business_key)
    if filters.started_by:
        out.append(ProcessInstance.started_by == filters.started_by)
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
) -> Select[tuple[int, str, int, str, str | None, datetime, datetime, datetime | None, str | None]]:
    """The statement for one page: summary columns, newest first, after the id ``before``."""
    where = _matching(viewer, filters, before, offset + limit)
    stmt = select(*SUMMARY_COLUMNS).where(*where).order_by(ProcessInstance.id.desc())
    return stmt.offset(offset or None).limit(limit)


def capped_count(session: Session, viewer: User | None, filters: InstanceFilters, cap: int) -> tuple[int, bool]:
    """How many instances match, counting at most ``cap + 1`` of them: (count, exact)."""
    ids = select(ProcessInstance.id).where(*_matching(viewer, filters, None, cap + 1)).limit(cap + 1).subquery()
    n = session.scalar(select(func.count()).select_from(ids)) or 0
    return min(n, cap), n <= cap


def count_cap(viewer: User | None) -> int:
    """How far the list counts (and pages by number) for this viewer."""
    if viewer is None or sees_everything(viewer):
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

"""The open incidents across processes, newest first: the incidents page and the admin dashboard.

One walk of ``ix_incident_open_created`` (partial on ``resolved_at IS NULL``) that stops after the
page; each row's instance and version are joined by primary key, its element named from the
version's cached names (:mod:`app.services.element_names`), never from engine state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from app.models import Incident, ProcessDefinition, ProcessInstance
from app.services import cursors, element_names
from app.services.task_lists import COUNT_CAP

DEFAULT_LIMIT = 50
CURSOR_KEYS = frozenset({"c", "i"})


@dataclass(frozen=True)
class OpenIncident:
    id: int
    instance_id: int
    business_key: str | None
    process_key: str
    process_name: str
    version: int
    status: str
    element_id: str | None
    element_name: str | None
    message: str
    created_at: datetime


def _position(cursor: str) -> tuple[datetime, int]:
    data = cursors.decode(cursor, CURSOR_KEYS)
    created, incident_id = data["c"], data["i"]
    if not isinstance(created, str) or len(created) > 40 or not isinstance(incident_id, int):
        raise cursors.bad_cursor("malformed")
    try:
        moment = datetime.fromisoformat(created)
    except ValueError:
        raise cursors.bad_cursor("malformed") from None
    if moment.tzinfo is None:
        raise cursors.bad_cursor("malformed")
    return moment, incident_id


def open_incidents(after: tuple[datetime, int] | None, limit: int) -> Select[Any]:
    """Open incidents newest first, after a (created_at, id) position, with their instance and
    version's name and hash: a walk of ``ix_incident_open_created`` that stops after ``limit``."""
    stmt = (
        select(
            Incident,
            ProcessInstance.business_key,
            ProcessInstance.process_key,
            ProcessInstance.version,
            ProcessInstance.status,
            ProcessInstance.definition_id,
            ProcessDefinition.name,
            ProcessDefinition.content_hash,
        )
        .join(ProcessInstance, ProcessInstance.id == Incident.instance_id)
        .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
        .where(Incident.resolved_at.is_(None))
        .order_by(Incident.created_at.desc(), Incident.id.desc())
        .limit(limit)
    )
    if after is not None:
        created, incident_id = after
        stmt = stmt.where(
            or_(Incident.created_at < created, and_(Incident.created_at == created, Incident.id < incident_id))
        )
    return stmt


def open_page(
    session: Session, *, cursor: str | None = None, limit: int | None = None
) -> tuple[list[OpenIncident], str | None]:
    """A page of open incidents (``DEFAULT_LIMIT``), newest first, and the next page's cursor (None on the last)."""
    limit = limit or DEFAULT_LIMIT
    stmt = open_incidents(_position(cursor) if cursor else None, limit + 1)
    rows = list(session.execute(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    names = element_names.names_of(session, {row.definition_id: row.content_hash for row in rows})
    page = [
        OpenIncident(
            id=row.Incident.id,
            instance_id=row.Incident.instance_id,
            business_key=row.business_key,
            process_key=row.process_key,
            process_name=row.name,
            version=row.version,
            status=row.status,
            element_id=row.Incident.element_id,
            element_name=element_names.element_name(names, row.definition_id, row.Incident.element_id),
            message=row.Incident.message,
            created_at=row.Incident.created_at,
        )
        for row in rows
    ]
    next_cursor = None
    if more and page:
        last = page[-1]
        next_cursor = cursors.encode({"c": last.created_at.isoformat(), "i": last.id})
    return page, next_cursor


def open_count(session: Session) -> tuple[int, bool]:
    """How many incidents are open, counting up to ``COUNT_CAP`` (and whether that is exact)."""
    walk = select(Incident.id).where(Incident.resolved_at.is_(None)).limit(COUNT_CAP + 1).subquery()
    n = session.scalar(select(func.count()).select_from(walk)) or 0
    return min(n, COUNT_CAP), n <= COUNT_CAP


def newest_open_message(session: Session, instance_id: int) -> str | None:
    """The message of the instance's newest open incident (after a retry: did it fail again, and how)."""
    return session.scalar(
        select(Incident.message)
        .where(Incident.instance_id == instance_id, Incident.resolved_at.is_(None))
        .order_by(Incident.id.desc())
        .limit(1)
    )

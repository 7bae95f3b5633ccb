"""What an administrator sees first: open incidents, overdue tasks, running cases per process.

Every figure is a bounded walk of one index: open incidents (``ix_incident_open_created``), ready
tasks past their due time (``ix_task_ready_due``, partial on ready tasks) and running instances of
each process (``ix_instance_key_status_id``); each count stops at its cap (docs/scale.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models import ProcessInstance, TaskRecord
from app.services import incident_lists
from app.services.incident_lists import OpenIncident
from app.services.task_lists import COUNT_CAP

NEWEST = 5
RUNNING_CAP = 10_000


@dataclass(frozen=True)
class Capped:
    """A count that stopped at its cap: ``exact`` False means "at least ``n``"."""

    n: int
    exact: bool


@dataclass(frozen=True)
class AdminDashboard:
    incidents: Capped
    newest_incidents: list[OpenIncident]
    overdue: Capped
    newest_overdue: list[TaskRecord]
    business_keys: dict[int, str | None]
    running: dict[str, Capped]


def overdue_tasks(session: Session, now: datetime) -> tuple[Capped, list[TaskRecord]]:
    """Open tasks past their due time: how many (capped) and the most recently overdue few."""
    n = session.scalar(overdue_count(now)) or 0
    newest = session.scalars(newest_overdue(now))
    return Capped(min(n, COUNT_CAP), n <= COUNT_CAP), list(newest)


def _late(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (TaskRecord.state == "ready", TaskRecord.due_at.is_not(None), TaskRecord.due_at < now)


def overdue_count(now: datetime) -> Select[tuple[int]]:
    """Open tasks past due, counted up to ``COUNT_CAP`` + 1: a range of ``ix_task_ready_due``."""
    walk = select(TaskRecord.id).where(*_late(now)).limit(COUNT_CAP + 1).subquery()
    return select(func.count()).select_from(walk)


def newest_overdue(now: datetime) -> Select[tuple[TaskRecord]]:
    """The most recently overdue tasks: ``ix_task_ready_due`` walked backwards from ``now``."""
    order = (TaskRecord.due_at.desc(), TaskRecord.created_at.desc(), TaskRecord.id.desc())
    return select(TaskRecord).where(*_late(now)).order_by(*order).limit(NEWEST)


def running_per_process(session: Session, process_keys: list[str]) -> dict[str, Capped]:
    """Running instances of each process (all versions), each count capped, in one statement."""
    if not process_keys:
        return {}
    parts = []
    for key in process_keys:
        walk = (
            select(literal(1).label("one"))
            .where(ProcessInstance.process_key == key, ProcessInstance.status == "running")
            .limit(RUNNING_CAP + 1)
            .subquery()
        )
        parts.append(
            select(literal(key).label("key"), select(func.count()).select_from(walk).scalar_subquery().label("n"))
        )
    counts = {row.key: int(row.n) for row in session.execute(union_all(*parts))}
    return {k: Capped(min(counts.get(k, 0), RUNNING_CAP), counts.get(k, 0) <= RUNNING_CAP) for k in process_keys}


def admin_dashboard(session: Session, process_keys: list[str], now: datetime) -> AdminDashboard:
    incidents, incidents_exact = incident_lists.open_count(session)
    newest_incidents, _ = incident_lists.open_page(session, limit=NEWEST)
    overdue, newest_overdue = overdue_tasks(session, now)
    ids = {t.instance_id for t in newest_overdue}
    keys: dict[int, str | None] = {}
    if ids:
        rows = session.execute(
            select(ProcessInstance.id, ProcessInstance.business_key).where(ProcessInstance.id.in_(ids))
        )
        keys = {row.id: row.business_key for row in rows}
    return AdminDashboard(
        incidents=Capped(incidents, incidents_exact),
        newest_incidents=newest_incidents,
        overdue=overdue,
        newest_overdue=newest_overdue,
        business_keys=keys,
        running=running_per_process(session, process_keys),
    )

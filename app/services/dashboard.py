"""What an administrator sees first: open incidents, overdue tasks, running cases per process.

Every figure is a bounded walk of one index: open incidents (``ix_incident_open_created``), ready
tasks past their due time (``ix_task_ready_due``, partial on ready tasks) and running instances of
each process (``ix_instance_key_status_id``); each count stops at its cap (docs/scale.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, literal, select, union_all
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
    late = (TaskRecord.state == "ready", TaskRecord.due_at.is_not(None), TaskRecord.due_at < now)
    walk = select(TaskRecord.id).where(*late).limit(COUNT_CAP + 1).subquery()
    n = session.scalar(select(func.count()).select_from(walk)) or 0
    newest = session.scalars(
        select(TaskRecord).where(*late).order_by(TaskRecord.due_at.desc(), TaskRecord.id.desc()).limit(NEWEST)
    )
    return Capped(min(n, COUNT_CAP), n <= COUNT_CAP), list(newest)


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

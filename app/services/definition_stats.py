"""What a process version holds now: its instances per status and the live tokens per element.

Read from the summary tables only (instances, tasks, timers, incidents), never from engine state.
Counts per status stop at ``COUNT_CAP`` (docs/scale.md: counts stop counting), each one a walk of
``ix_instance_definition_status`` that ends after the cap. The element counts walk the version's
open instances (running, error, suspended) and probe each one's ready tasks and pending timers by
their per-instance indexes; failed counts walk the open incidents (``ix_incident_open_created``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal, select, union_all
from sqlalchemy.orm import Session

from app.models import Incident, ProcessDefinition, ProcessInstance, TaskRecord, TimerRecord

STATUSES = ("running", "completed", "suspended", "terminated", "error")
OPEN_STATUSES = ("running", "error", "suspended")
COUNT_CAP = 10_000
VERSIONS_PER_STATEMENT = 50  # 250 SELECTs in one UNION ALL: below SQLite's limit of 500 compound terms


@dataclass(frozen=True)
class StatusCounts:
    """Instances of one version per status; a status in ``capped`` has more than ``COUNT_CAP``."""

    counts: dict[str, int]
    capped: frozenset[str]

    @property
    def exact(self) -> bool:
        return not self.capped


def capped_count(definition_id: int, status: str) -> Select[Any]:
    """One row (definition_id, status, n): a walk of ``ix_instance_definition_status`` that stops past the cap."""
    walk = (
        select(literal(1).label("one"))
        .where(ProcessInstance.definition_id == definition_id, ProcessInstance.status == status)
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    return select(
        literal(definition_id).label("definition_id"),
        literal(status).label("status"),
        select(func.count()).select_from(walk).scalar_subquery().label("n"),
    )


def status_counts(session: Session, definition_ids: list[int]) -> dict[int, StatusCounts]:
    """Instance counts per status (all five, 0 when none) of each version, one statement per 50 versions."""
    if not definition_ids:
        return {}
    counts: dict[int, dict[str, int]] = {d: dict.fromkeys(STATUSES, 0) for d in definition_ids}
    for start in range(0, len(definition_ids), VERSIONS_PER_STATEMENT):
        chunk = definition_ids[start : start + VERSIONS_PER_STATEMENT]
        for row in session.execute(union_all(*(capped_count(d, s) for d in chunk for s in STATUSES))):
            counts[row.definition_id][row.status] = int(row.n)
    return {
        d: StatusCounts(
            {s: min(n, COUNT_CAP) for s, n in c.items()}, frozenset(s for s, n in c.items() if n > COUNT_CAP)
        )
        for d, c in counts.items()
    }


def element_counts(session: Session, definition_id: int) -> dict[str, dict[str, int]]:
    """``{element_id: {"active": N, "failed": N}}``: ready tasks and pending timers (active) and
    open incidents (failed) of the version's instances, per element; elements without any are left out."""
    open_instances = select(ProcessInstance.id).where(
        ProcessInstance.definition_id == definition_id, ProcessInstance.status.in_(OPEN_STATUSES)
    )
    tasks = (
        select(TaskRecord.element_id, func.count().label("n"))
        .where(TaskRecord.instance_id.in_(open_instances), TaskRecord.state == "ready")
        .group_by(TaskRecord.element_id)
    )
    timers = (
        select(TimerRecord.element_id, func.count().label("n"))
        .where(TimerRecord.instance_id.in_(open_instances), TimerRecord.status == "pending")
        .group_by(TimerRecord.element_id)
    )
    failed = (
        select(Incident.element_id, func.count().label("n"))
        .join(ProcessInstance, ProcessInstance.id == Incident.instance_id)
        .where(
            Incident.resolved_at.is_(None),
            Incident.element_id.is_not(None),
            ProcessInstance.definition_id == definition_id,
        )
        .group_by(Incident.element_id)
    )
    elements: dict[str, dict[str, int]] = {}
    for kind, stmt in (("active", tasks), ("active", timers), ("failed", failed)):
        for element_id, n in session.execute(stmt):
            entry = elements.setdefault(element_id, {"active": 0, "failed": 0})
            entry[kind] += int(n)
    return elements


def statistics(session: Session, definition: ProcessDefinition) -> dict[str, Any]:
    """The contract's ``GET .../versions/{version}/statistics`` body (plus ``instances_are_exact``)."""
    counts = status_counts(session, [definition.id])[definition.id]
    return {
        "instances": counts.counts,
        "instances_are_exact": counts.exact,
        "elements": element_counts(session, definition.id),
    }

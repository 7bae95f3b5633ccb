"""Processes that start on a timer: one instance waits at the timer start event.

When a version of such a process is deployed, the product starts an instance of it (actor
``timer-start``) so that the durable timer exists; the waiting instance of an older version,
if it never got past its start event, is terminated (as Camunda replaces the timer).
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from app.models import ProcessInstance, TaskRecord
from app.runtime import Runtime
from app.services import instances
from app.services.deployments import Deployed

TIMER_START_ACTOR = "timer-start"


def activate(rt: Runtime, session: Session, deployed: list[Deployed]) -> list[ProcessInstance]:
    """Start a waiting instance for every newly deployed timer-start process."""
    started = []
    for item in deployed:
        if not (item.created and item.timer_start):
            continue
        key = item.definition.key
        waiting = session.scalars(
            select(ProcessInstance).where(
                ProcessInstance.process_key == key,
                ProcessInstance.started_by == TIMER_START_ACTOR,
                ProcessInstance.status == "running",
                ProcessInstance.version < item.definition.version,
                ~exists().where(TaskRecord.instance_id == ProcessInstance.id),
            )
        )
        for old in waiting:
            instances.terminate(rt, session, old, TIMER_START_ACTOR)
        started.append(instances.start(rt, session, key, {}, TIMER_START_ACTOR, system=True))
    return started

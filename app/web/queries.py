"""Small read-only lookups the pages need beside the services' results (one query each)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ProcessDefinition, ProcessInstance, TaskRecord, User
from app.runtime import Runtime
from app.services import instances, process_rights
from app.services.people import DEMO_USERS


def business_keys(session: Session, instance_ids: Iterable[int]) -> dict[int, str | None]:
    """Registration numbers of the listed instances in one query (no N+1 in the inbox)."""
    ids = set(instance_ids)
    if not ids:
        return {}
    rows = session.execute(select(ProcessInstance.id, ProcessInstance.business_key).where(ProcessInstance.id.in_(ids)))
    return {row.id: row.business_key for row in rows}


def suspended_ids(session: Session, instance_ids: Iterable[int]) -> set[int]:
    """Which of the listed instances are suspended: the page's rows read by primary key."""
    ids = set(instance_ids)
    if not ids:
        return set()
    stmt = select(ProcessInstance.id).where(ProcessInstance.id.in_(ids), ProcessInstance.status == "suspended")
    return set(session.scalars(stmt))


def process_names(session: Session) -> dict[str, str]:
    """Process key -> name of its newest version, without loading the diagrams."""
    newest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    rows = session.execute(
        select(ProcessDefinition.key, ProcessDefinition.name)
        .join(newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.v))
        .order_by(ProcessDefinition.key)
    )
    return {row.key: row.name for row in rows}


def startable_process_names(session: Session, user: User) -> dict[str, str]:
    """Process key -> name of its newest version, for the processes ``user`` may start."""
    newest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    rows = session.scalars(
        select(ProcessDefinition)
        .join(newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.v))
        .order_by(ProcessDefinition.key)
    )
    return {d.key: d.name for d in rows if process_rights.may_start(user, d)}


def demo_users_exist(session: Session) -> bool:
    """Whether any of the demo accounts (password = username) is present and active."""
    stmt = select(User.id).where(User.username.in_(DEMO_USERS), User.active.is_(True)).limit(1)
    return session.scalar(stmt) is not None


def instance_for_page(session: Session, instance_id: int) -> ProcessInstance:
    """The instance's row without its engine state (a page that shows a task needs its
    variables and status, never the serialized workflow); 404 if there is none."""
    return instances.get(session, instance_id, with_state=False)


def task_instructions(rt: Runtime, session: Session, row: TaskRecord) -> str | None:
    """The diagram's instructions for a task, as kept on its row when it was synced; a row synced
    before they were kept (NULL) asks the engine once, while the task is still ready."""
    if row.instructions is not None:
        return row.instructions or None
    if row.state != "ready":
        return None
    inst = instances.load(rt, instances.get(session, row.instance_id))
    view = next((v for v in inst.ready_user_tasks() if v.id == row.id), None)
    return view.instructions if view is not None else None

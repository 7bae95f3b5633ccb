"""Which process instances a user may see, as index-backed SQL (no engine state involved).

Every user sees the instances they registered and those that have (had) a task for them or one
of their groups. Beyond that, admins see every instance; customer service every instance that is
not confidential; HR every confidential one. A confidential instance (an employee grievance,
rule 6.1: the diagram declares it, ``ProcessInstance.confidential`` keeps it) is therefore seen
only by the employee who filed it, HR, the people and groups who handle it, and admins (whose
reads, like everyone's, are audited: ``confidential.record_read``).

Each way in is its own index path, joined by a ``UNION`` (an ``IN (SELECT ...)`` under an ``OR``
becomes a SubPlan that PostgreSQL rescans for every row): ``ix_instance_started_by`` /
``ix_task_assignee`` / ``ix_task_completed_by`` / ``ix_instance_group_key`` for a list, plus the
whole non-confidential list for customer service and ``ix_instance_confidential_id`` for HR; the
same paths restricted to one instance's rows for a single check."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, exists, false, or_, select, true, union
from sqlalchemy.orm import Session

from app.models import InstanceGroup, ProcessInstance, TaskRecord, User

CUSTOMER_SERVICE = frozenset({"cs_agents", "cs_supervisors"})
# who sees every confidential case (rule 6.1: the employee grievances go to HR)
CONFIDENTIAL_READERS = frozenset({"hr"})


def sees_everything(user: User) -> bool:
    """Admins: every instance, confidential ones included."""
    return user.has_role("admin")


def sees_every_ordinary_case(user: User) -> bool:
    """Admins and customer service: every instance that is not confidential (the list's wide
    count cap is theirs)."""
    return sees_everything(user) or bool(CUSTOMER_SERVICE & set(user.group_keys))


def _wide_conditions(user: User) -> list[ColumnElement[bool]]:
    """The whole classes of instances the user sees beyond their own ways in."""
    out = []
    if CUSTOMER_SERVICE & set(user.group_keys):
        out.append(ProcessInstance.confidential == false())
    if CONFIDENTIAL_READERS & set(user.group_keys):
        out.append(ProcessInstance.confidential == true())
    return out


def visible_to(user: User, instance_id: int | None = None) -> ColumnElement[bool]:
    """The rule as a condition on ``ProcessInstance``: the instances ``user`` may see. With
    ``instance_id`` every path is restricted to that instance (one index probe each: the check
    before a case opens); lists use ``visible_ids``, which tests compare with this rule."""
    wide = _wide_conditions(user)
    if sees_everything(user) or len(wide) == 2:
        return true()
    only_instance = [] if instance_id is None else [ProcessInstance.id == instance_id]
    only_task = [] if instance_id is None else [TaskRecord.instance_id == instance_id]
    only_group = [] if instance_id is None else [InstanceGroup.instance_id == instance_id]
    involved = union(
        select(ProcessInstance.id).where(ProcessInstance.started_by == user.username, *only_instance),
        select(TaskRecord.instance_id).where(TaskRecord.assignee == user.username, *only_task),
        select(TaskRecord.instance_id).where(TaskRecord.completed_by == user.username, *only_task),
        select(InstanceGroup.instance_id).where(InstanceGroup.group_key.in_(user.group_keys), *only_group),
    ).subquery()
    return or_(*wide, ProcessInstance.id.in_(select(involved.c[0])))


def _involved(user: User) -> ColumnElement[bool]:
    """Per instance row: the user registered it, holds or completed one of its tasks, or one of
    their groups was offered one (index probes by instance id)."""
    return or_(
        ProcessInstance.started_by == user.username,
        exists().where(TaskRecord.instance_id == ProcessInstance.id, TaskRecord.assignee == user.username),
        exists().where(TaskRecord.instance_id == ProcessInstance.id, TaskRecord.completed_by == user.username),
        exists().where(InstanceGroup.instance_id == ProcessInstance.id, InstanceGroup.group_key.in_(user.group_keys)),
    )


def visibility_check(user: User, instance_id: int) -> Select[tuple[int]]:
    """The id of the instance if the user may see it (no row otherwise)."""
    return select(ProcessInstance.id).where(ProcessInstance.id == instance_id, visible_to(user, instance_id))


def may_view(session: Session, user: User, model: ProcessInstance) -> bool:
    return session.scalar(visibility_check(user, model.id)) is not None


def visible_ids(
    user: User, conditions: list[ColumnElement[bool]], *, before: int | None = None, limit: int
) -> Select[tuple[int]] | None:
    """For a list: the newest ``limit`` ids (below ``before``) of the instances ``user`` may see
    that meet ``conditions`` (on ``ProcessInstance``); None when the user sees everything.

    Each way in is walked in instance order on its own index and stops after ``limit`` rows, so
    a page costs the same whether the user is involved in ten cases or a hundred thousand: the
    instances they registered (ix_instance_started_by_id), hold or completed a task on
    (ix_task_assignee_instance, ix_task_completed_by_instance), one walk per group
    (ix_instance_group_key), and for HR the confidential ones (ix_instance_confidential_id).
    Customer service's list is two walks: the non-confidential instances, and the confidential
    ones they are involved in."""
    wide = _wide_conditions(user)
    if sees_everything(user) or len(wide) == 2:
        return None

    def newest(stmt: Select[tuple[int]], order: Any) -> Select[tuple[int]]:
        below = [] if before is None else [order < before]
        return stmt.where(*conditions, *below).order_by(order.desc()).limit(limit)

    if CUSTOMER_SERVICE & set(user.group_keys):
        # every ordinary case, and the few confidential ones they are involved in (walked on
        # ix_instance_confidential_id, each probed): two walks, not one per way in
        ordinary = select(ProcessInstance.id).where(ProcessInstance.confidential == false())
        theirs = select(ProcessInstance.id).where(ProcessInstance.confidential == true(), _involved(user))
        both = union(*(newest(arm, ProcessInstance.id).subquery().select() for arm in (ordinary, theirs))).subquery()
        return select(both.c[0]).order_by(both.c[0].desc()).limit(limit)
    registered = ProcessInstance.started_by == user.username
    arms = [newest(select(ProcessInstance.id).where(way), ProcessInstance.id) for way in [*wide, registered]]
    for column in (TaskRecord.assignee, TaskRecord.completed_by):
        walk = (
            select(TaskRecord.instance_id)
            .join(ProcessInstance, ProcessInstance.id == TaskRecord.instance_id)
            .where(column == user.username)
            .distinct()
        )
        arms.append(newest(walk, TaskRecord.instance_id))
    for group in sorted(set(user.group_keys)):
        walk = (
            select(InstanceGroup.instance_id)
            .join(ProcessInstance, ProcessInstance.id == InstanceGroup.instance_id)
            .where(InstanceGroup.group_key == group)
        )
        arms.append(newest(walk, InstanceGroup.instance_id))
    both = union(*(arm.subquery().select() for arm in arms)).subquery()
    return select(both.c[0]).order_by(both.c[0].desc()).limit(limit)

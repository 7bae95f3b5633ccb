"""Notifications: the ``notify`` operation of diagrams, the per-user list, and e-mail.

A user task that becomes ready notifies its assignee, or the members of its candidate groups
(``task_ready``); a task given to someone by another person notifies them (``task_assigned``).
The person whose action made the task (who completed the step before) is not told. A group of
more than ``GROUP_NOTIFY_LIMIT`` active members gets no individual notifications: its members
see the task in their group inbox, and a notification per member would be a write storm.
These rows carry a ``code`` and ``params`` so that each reader sees them in their language.

A diagram's ``notify`` service task names groups (group keys or the escalation roles of
the procedures, mapped below), users, a kind, a title and a message. One notification per
recipient is written in the instance's transaction; e-mail goes out after commit from the
scheduler (``email_outbox``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import NotFound
from app.models import Group, Notification, ProcessInstance, TaskRecord, User, user_groups
from app.services import audit, conflicts
from handlers.catalogue import HandlerDeclaration, Parameter

KINDS = ("reminder", "escalation", "info", "task")
# The built-in ``notify`` operation, as the handler catalogue lists it (``apply_effect`` reads these).
NOTIFY = HandlerDeclaration(
    zh="通知组内成员和指定用户 (站内通知与邮件)",
    en="Notify the members of groups and named users (in the product and by e-mail)",
    parameters=(
        Parameter(
            "groups",
            "array",
            False,
            "组或升级角色 (列表或逗号分隔)",
            "groups or escalation roles (list or comma-separated)",
        ),
        Parameter("users", "array", False, "用户名 (列表或逗号分隔)", "usernames (list or comma-separated)"),
        Parameter("kind", "string", False, f"类型: {', '.join(KINDS)}", f"kind: {', '.join(KINDS)} (default info)"),
        Parameter("title", "string", False, "标题", "title (default: the case number and kind)"),
        Parameter("message", "string", False, "正文", "message text"),
    ),
    result=("queued",),
)
GROUP_NOTIFY_LIMIT = 200

# The escalation roles of the procedures (shared/domain.md §3) → the product's groups: each
# manager level has its own group (rule 3.5); ``managers`` (store and regional managers) keeps
# the approvals up to 500 yuan.
ROLE_GROUPS: dict[str, str] = {
    "city_manager": "city_managers",
    "provincial_manager": "provincial_managers",
    "regional_manager": "regional_managers",
    "store_manager": "managers",
    "sales_director": "marketing_director",
    "marketing_director": "marketing_director",
    "centre_general_manager": "general_manager",
    "general_manager": "general_manager",
    "vice_president": "vice_president",
    "pr_legal": "pr_legal",
    "cs_head": "cs_supervisors",
    "distributor_head": "sales",
}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return [str(v) for v in value if v]


def recipients(session: Session, groups: Iterable[str], users: Iterable[str]) -> list[str]:
    """Active usernames in the groups (or roles) plus the named users, without duplicates."""
    keys = {ROLE_GROUPS.get(g, g) for g in groups}
    wanted = set(users)
    names: set[str] = set()
    if keys:
        names |= set(
            session.scalars(select(User.username).join(User.groups).where(Group.key.in_(keys), User.active.is_(True)))
        )
    if wanted:
        names |= set(session.scalars(select(User.username).where(User.username.in_(wanted), User.active.is_(True))))
    return sorted(names)


def apply_effect(session: Session, model: ProcessInstance, effect: dict[str, Any]) -> int:
    """Write the notifications a ``notify`` service task asked for; returns how many."""
    params = effect["params"]
    kind = str(params.get("kind") or "info")
    return notify(
        session,
        model,
        groups=_as_list(params.get("groups")),
        users=_as_list(params.get("users")),
        kind=kind,
        title=str(params.get("title") or "")[:400] or f"{model.business_key}: {kind}",
        message=str(params.get("message") or ""),
        element_id=effect.get("element_id"),
    )


def notify(
    session: Session,
    model: ProcessInstance,
    *,
    groups: Iterable[str],
    users: Iterable[str] = (),
    kind: str,
    title: str,
    message: str = "",
    element_id: str | None = None,
    code: str | None = None,
    params: dict[str, Any] | None = None,
) -> int:
    """One notification per active recipient of the groups (or roles) and users, and a history
    entry naming them; ``code`` and ``params`` let each reader see it in their language (``title``
    and ``message`` are what e-mail and older readers get). Returns how many were written."""
    kind = kind if kind in KINDS else "info"
    people = recipients(session, groups, users)
    for username in people:
        session.add(
            Notification(
                username=username,
                instance_id=model.id,
                element_id=element_id,
                kind=kind,
                code=code,
                params=params,
                title=title[:400],
                message=message,
            )
        )
    detail: dict[str, Any] = {"kind": kind, "title": title, "recipients": people}
    if code:
        detail |= {"code": code, "params": params or {}}
    audit.record(session, "notification_sent", instance_id=model.id, actor=None, element_id=element_id, detail=detail)
    return len(people)


def task_ready(session: Session, model: ProcessInstance, row: TaskRecord, *, actor: str | None) -> int:
    """A user task became ready: tell its assignee, else the members of its candidate groups
    (groups over ``GROUP_NOTIFY_LIMIT`` members rely on their inbox), never ``actor`` nor a
    person excluded from it for a conflict of interest. Returns how many were told."""
    people = [row.assignee] if row.assignee else _members(session, row.candidate_groups or [])
    excluded = conflicts.excluded_from(session, row.id)
    people = [p for p in people if p not in excluded]
    params = {"task": row.name, "business_key": model.business_key}
    title = f"{model.business_key or model.id}: 新任务 New task: {row.name}"
    return _tell_about_task(session, row, [p for p in people if p != actor], "task_ready", params, title)


def task_assigned(session: Session, row: TaskRecord, *, actor: str) -> int:
    """Someone gave the task to its (new) assignee: tell them, unless they took it themselves."""
    if row.assignee is None or row.assignee == actor:
        return 0
    model = session.get(ProcessInstance, row.instance_id)
    key = model.business_key if model is not None else None
    params = {"task": row.name, "business_key": key, "by": actor}
    title = f"{key or row.instance_id}: 任务已分派给您 A task was assigned to you: {row.name}"
    active = session.scalar(select(User.username).where(User.username == row.assignee, User.active.is_(True)))
    return _tell_about_task(session, row, [active] if active else [], "task_assigned", params, title)


def _members(session: Session, groups: Iterable[str]) -> list[str]:
    """Active members of the groups, leaving out groups too large to notify one by one (one
    statement: the group sizes are its subquery)."""
    keys = {ROLE_GROUPS.get(g, g) for g in groups}
    if not keys:
        return []
    small = (
        select(Group.id)
        .join(user_groups, user_groups.c.group_id == Group.id)
        .join(User, User.id == user_groups.c.user_id)
        .where(Group.key.in_(keys), User.active.is_(True))
        .group_by(Group.id)
        .having(func.count() <= GROUP_NOTIFY_LIMIT)
    )
    members = (
        select(User.username)
        .join(user_groups, user_groups.c.user_id == User.id)
        .where(user_groups.c.group_id.in_(small), User.active.is_(True))
        .distinct()
    )
    return sorted(session.scalars(members))


def _tell_about_task(
    session: Session, row: TaskRecord, people: list[str], code: str, params: dict[str, Any], title: str
) -> int:
    for username in people:
        session.add(
            Notification(
                username=username,
                instance_id=row.instance_id,
                element_id=row.element_id,
                task_id=row.id,
                kind="task",
                code=code,
                params=params,
                title=title[:400],
                message="",
            )
        )
    return len(people)


def for_user(session: Session, user: User, *, unread_only: bool = False, limit: int = 100) -> list[Notification]:
    stmt = select(Notification).where(Notification.username == user.username)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return list(session.scalars(stmt.order_by(Notification.id.desc()).limit(limit)))


UNREAD_CAP = 999


def unread_count(session: Session, user: User, cap: int = UNREAD_CAP) -> int:
    """The user's unread notifications, counted up to ``cap + 1`` rows (shown as "999+"): the
    bell is on every page, so its count never walks a backlog of any size."""
    unread = (
        select(Notification.id)
        .where(Notification.username == user.username, Notification.read_at.is_(None))
        .limit(cap + 1)
        .subquery()
    )
    return session.scalar(select(func.count()).select_from(unread)) or 0


def mark_read(session: Session, user: User, notification_id: int) -> Notification:
    row = session.get(Notification, notification_id)
    if row is None or row.username != user.username:
        raise NotFound(f"no notification {notification_id}", code="unknown_notification")
    row.read_at = row.read_at or utcnow()
    return row


def mark_all_read(session: Session, user: User) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.username == user.username, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]

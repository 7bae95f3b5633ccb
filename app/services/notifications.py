"""Notifications: the ``notify`` operation of diagrams, the per-user list, and e-mail.

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
from app.models import Group, Notification, ProcessInstance, User
from app.services import audit

KINDS = ("reminder", "escalation", "info")

# The escalation roles of the procedures (shared/domain.md §3) → the product's groups.
ROLE_GROUPS: dict[str, str] = {
    "city_manager": "managers",
    "provincial_manager": "managers",
    "regional_manager": "managers",
    "store_manager": "managers",
    "sales_director": "marketing_director",
    "marketing_director": "marketing_director",
    "centre_general_manager": "general_manager",
    "general_manager": "general_manager",
    "vice_president": "general_manager",
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
    if kind not in KINDS:
        kind = "info"
    title = str(params.get("title") or "")[:400] or f"{model.business_key}: {kind}"
    message = str(params.get("message") or "")
    people = recipients(session, _as_list(params.get("groups")), _as_list(params.get("users")))
    for username in people:
        session.add(
            Notification(
                username=username,
                instance_id=model.id,
                element_id=effect.get("element_id"),
                kind=kind,
                title=title,
                message=message,
            )
        )
    audit.record(
        session,
        "notification_sent",
        instance_id=model.id,
        actor=None,
        element_id=effect.get("element_id"),
        detail={"kind": kind, "title": title, "recipients": people},
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

"""The groups a lane or a candidate group may name, with how many active members each has."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Group, User, user_groups

MAX_GROUPS = 500  # the picker's list stays bounded whatever the directory holds


def groups_with_members(session: Session, language: str) -> list[dict[str, Any]]:
    """``[{"name", "label", "members"}]`` by name: one grouped query, active members only."""
    active = (
        select(user_groups.c.group_id, func.count().label("members"))
        .join(User, User.id == user_groups.c.user_id)
        .where(User.active.is_(True))
        .group_by(user_groups.c.group_id)
        .subquery()
    )
    rows = session.execute(
        select(Group.key, Group.name_zh, Group.name_en, func.coalesce(active.c.members, 0))
        .outerjoin(active, active.c.group_id == Group.id)
        .order_by(Group.key)
        .limit(MAX_GROUPS)
    )
    return [
        {"name": key, "label": name_zh if language.startswith("zh") else name_en, "members": int(members)}
        for key, name_zh, name_en, members in rows
    ]

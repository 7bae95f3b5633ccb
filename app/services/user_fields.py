"""Form fields that name a person: ``"format": "username"`` must be an active user's user name
(the page offers the active users in a list to pick from).

jsonschema cannot see the users table, so ``form_checks`` accepts the format and this module
judges it when a task's form (or a start form) is submitted: 422 naming the field otherwise.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Invalid
from app.models import User

USERNAME_FORMAT = "username"


def check_form_fields(session: Session, schema: dict[str, Any] | None, data: dict[str, Any]) -> None:
    """Every filled ``username`` field of ``schema`` names an active user (422 naming the field)."""
    bad = []
    for field, prop in ((schema or {}).get("properties") or {}).items():
        value = data.get(field)
        if not isinstance(prop, dict) or prop.get("format") != USERNAME_FORMAT or value in (None, ""):
            continue
        if not is_active_user(session, value):
            bad.append({"field": field, "code": "unknown_user", "message": "not an active user's user name"})
    if bad:
        names = ", ".join(d["field"] for d in bad)
        raise Invalid(f"no active user is named in {names}", code="unknown_user", details=bad)


def has_username_field(schema: dict[str, Any] | None) -> bool:
    """Whether the form has a field naming a person (its page offers the active users)."""
    props = (schema or {}).get("properties") or {}
    return any(isinstance(p, dict) and p.get("format") == USERNAME_FORMAT for p in props.values())


def active_user_choices(session: Session, limit: int = 1000) -> list[tuple[str, str]]:
    """(user name, display name) of the active users, by user name: what a form's person field offers."""
    rows = session.execute(
        select(User.username, User.display_name).where(User.active.is_(True)).order_by(User.username).limit(limit)
    )
    return [(username, name) for username, name in rows]


def is_active_user(session: Session, username: Any) -> bool:
    """Whether ``username`` is the user name of an active user."""
    return (
        session.scalar(select(User.id).where(User.username == str(username), User.active.is_(True)).limit(1))
        is not None
    )

"""Append-only history."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AuditEntry


def record(
    session: Session,
    type_: str,
    *,
    instance_id: int | None,
    actor: str | None,
    element_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one history entry."""
    entry = AuditEntry(instance_id=instance_id, type=type_, actor=actor, element_id=element_id, detail=detail or {})
    session.add(entry)
    return entry


def history(session: Session, instance_id: int) -> list[AuditEntry]:
    """An instance's history, oldest first."""
    stmt = select(AuditEntry).where(AuditEntry.instance_id == instance_id).order_by(AuditEntry.id)
    return list(session.scalars(stmt))

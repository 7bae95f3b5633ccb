"""Idempotency keys of instance starts: a retried start gets the first answer again."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, UTCDateTime


class IdempotencyKey(Base):
    """One user's ``Idempotency-Key``: the request it was first used for and the answer given.

    The unique (user, key) pair makes two concurrent retries create one instance: the row is
    written in the same transaction as the instance, so the second insert waits for the first
    transaction and then fails, and the loser answers with what the winner stored.
    """

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("user_id", "key", name="uq_idempotency_user_key"),
        Index("ix_idempotency_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the request body, canonical JSON
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"))
    status_code: Mapped[int | None]
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

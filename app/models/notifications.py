"""In-app notifications (tasks, escalations, reminders), one row per recipient, plus e-mail state."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, UTCDateTime


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notification_user_read", "username", "read_at"),
        # a user's notifications newest first (the list is the newest 100)
        Index("ix_notification_user_id", "username", "id"),
        # the e-mail sender's queue: pending rows oldest first, and claims left by a crashed sender
        Index("ix_notification_email_queue", "email_status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"))
    element_id: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    # the task a "task" notification points to
    task_id: Mapped[str | None] = mapped_column(String(36))
    # what the notification says, rendered in the reader's language (``title`` is the stored
    # fallback, "中文 English", for e-mail and for rows written by diagrams' own words)
    code: Mapped[str | None] = mapped_column(String(40))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    title: Mapped[str] = mapped_column(String(400))
    message: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # e-mail: pending → sending (claimed by a sender) → sent | logged (no SMTP configured) |
    # failed (after the last attempt) | none (no address); a failed attempt goes back to pending
    email_status: Mapped[str] = mapped_column(String(20), default="pending")
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    email_claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_error: Mapped[str | None] = mapped_column(String(400))

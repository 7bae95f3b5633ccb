"""Durable timers: one row per waiting timer event; the source of truth for firing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, UTCDateTime


class TimerRecord(Base):
    """A timer event waiting in an instance; ``status`` pending → fired | cancelled, or failed
    (firing it ended in an incident: it waits for an admin's retry, then is pending again)."""

    __tablename__ = "timers"
    __table_args__ = (
        Index("ix_timer_status_due", "status", "due_at"),
        # one instance's timers by due time: the case page never walks ix_timer_status_due
        Index("ix_timer_instance_status_due", "instance_id", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"))
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(400))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    interrupting: Mapped[bool] = mapped_column(default=False)
    attached_to: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SchedulerHeartbeat(Base):
    """Each running scheduler process stamps its row; health checks read it."""

    __tablename__ = "scheduler_heartbeats"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)

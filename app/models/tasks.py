"""The denormalized task table behind every inbox, kept in step with the engine."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db import Base, UTCDateTime

READY = text("state = 'ready'")


class TaskRecord(Base):
    """A user task as the inbox sees it; ``id`` is the engine's task id."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_task_state_assignee", "state", "assignee"),
        Index("ix_task_instance_state", "instance_id", "state"),
        # the open inbox in its two sort orders (keyset pages), only over ready tasks
        Index("ix_task_ready_created", "created_at", "id", postgresql_where=READY, sqlite_where=READY),
        Index("ix_task_ready_due", "due_at", "created_at", "id", postgresql_where=READY, sqlite_where=READY),
        # the visibility paths: tasks someone holds or completed
        Index("ix_task_assignee", "assignee"),
        Index("ix_task_completed_by", "completed_by"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"))
    process_key: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(400))
    lane: Mapped[str | None] = mapped_column(String(200))
    candidate_groups: Mapped[list[str]] = mapped_column(JSON, default=list)
    assignee: Mapped[str | None] = mapped_column(String(64))
    form_key: Mapped[str | None] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), default="ready")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(64))

    groups: Mapped[list[TaskCandidateGroup]] = relationship(cascade="all, delete-orphan", lazy="noload")


class TaskCandidateGroup(Base):
    """One row per (task, candidate group): the inbox's indexed lookup."""

    __tablename__ = "task_candidate_groups"
    __table_args__ = (Index("ix_task_group_key", "group_key", "task_id"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64), primary_key=True)

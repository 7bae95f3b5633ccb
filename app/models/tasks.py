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
        # one instance's tasks in a state, in order: the case page never walks the global indexes
        Index("ix_task_instance_state_created", "instance_id", "state", "created_at"),
        # the open inbox in its two sort orders (keyset pages), only over ready tasks
        Index("ix_task_ready_created", "created_at", "id", postgresql_where=READY, sqlite_where=READY),
        Index("ix_task_ready_due", "due_at", "created_at", "id", postgresql_where=READY, sqlite_where=READY),
        # the visibility paths: instances where someone holds or completed a task, newest first
        Index("ix_task_assignee_instance", "assignee", "instance_id"),
        Index("ix_task_completed_by_instance", "completed_by", "instance_id"),
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
    """One row per (ready task, candidate group): the inbox's indexed lookup. Rows of a task are
    deleted when it leaves the inbox (``instances.close_task``), so a group's rows are its open
    tasks, however long the history; which groups ever had a task on an instance is kept in
    :class:`InstanceGroup`."""

    __tablename__ = "task_candidate_groups"
    __table_args__ = (Index("ix_task_group_key", "group_key", "task_id"),)

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64), primary_key=True)


class InstanceGroup(Base):
    """A group that has (had) a task on an instance: the non-admin visibility path for groups,
    one row per (instance, group) whatever the number of tasks."""

    __tablename__ = "instance_groups"
    __table_args__ = (Index("ix_instance_group_key", "group_key", "instance_id"),)

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64), primary_key=True)

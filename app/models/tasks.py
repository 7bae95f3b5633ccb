"""The denormalized task table behind every inbox, kept in step with the engine."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.db import Base, UTCDateTime

READY = text("state = 'ready'")
UNCLAIMED = text("assignee IS NULL")


class TaskRecord(Base):
    """A user task as the inbox sees it; ``id`` is the engine's task id."""

    __tablename__ = "tasks"
    __table_args__ = (
        # one instance's tasks in a state, in order: the case page never walks the global indexes
        Index("ix_task_instance_state_created", "instance_id", "state", "created_at"),
        # the open inbox in its two sort orders (keyset pages), only over ready tasks
        Index("ix_task_ready_created", "created_at", "id", postgresql_where=READY, sqlite_where=READY),
        Index("ix_task_ready_due", "due_at", "created_at", "id", postgresql_where=READY, sqlite_where=READY),
        # a user's own open tasks in the same two orders
        Index(
            "ix_task_ready_assignee_created", "assignee", "created_at", "id", postgresql_where=READY, sqlite_where=READY
        ),
        Index(
            "ix_task_ready_assignee_due",
            "assignee",
            "due_at",
            "created_at",
            "id",
            postgresql_where=READY,
            sqlite_where=READY,
        ),
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
    # the timer whose due time ``due_at`` is (its element id and the diagram's name for it)
    due_rule: Mapped[str | None] = mapped_column(String(200))
    due_rule_name: Mapped[str | None] = mapped_column(String(400))
    # the diagram's instructions, kept when the task is synced ("" = none; NULL = synced before 0014)
    instructions: Mapped[str | None] = mapped_column(Text, deferred=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(64))

    groups: Mapped[list[TaskCandidateGroup]] = relationship(cascade="all, delete-orphan", lazy="noload")


class TaskCandidateGroup(Base):
    """One row per (ready task, candidate group): a group's inbox, in its own sort orders.

    Rows of a task are deleted when it leaves the inbox (``task_rows.close_task``), so a group's
    rows are its open tasks, however long the history; which groups ever had a task on an
    instance is kept in :class:`InstanceGroup`. ``created_at``, ``due_at`` and ``assignee`` repeat
    the task's, so that a page of a group's inbox is one walk of the group's rows in the page's
    order that stops after the page, at any size, without reading the task table."""

    __tablename__ = "task_candidate_groups"
    __table_args__ = (
        # a group's open tasks (scope "all") and its unclaimed ones (its inbox), in both orders
        Index("ix_task_group_created", "group_key", "created_at", "task_id"),
        Index("ix_task_group_due", "group_key", "due_at", "created_at", "task_id"),
        Index(
            "ix_task_group_unclaimed_created",
            "group_key",
            "created_at",
            "task_id",
            postgresql_where=UNCLAIMED,
            sqlite_where=UNCLAIMED,
        ),
        Index(
            "ix_task_group_unclaimed_due",
            "group_key",
            "due_at",
            "created_at",
            "task_id",
            postgresql_where=UNCLAIMED,
            sqlite_where=UNCLAIMED,
        ),
    )

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assignee: Mapped[str | None] = mapped_column(String(64))


class InstanceGroup(Base):
    """A group that has (had) a task on an instance: the non-admin visibility path for groups,
    one row per (instance, group) whatever the number of tasks."""

    __tablename__ = "instance_groups"
    __table_args__ = (Index("ix_instance_group_key", "group_key", "instance_id"),)

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), primary_key=True)
    group_key: Mapped[str] = mapped_column(String(64), primary_key=True)

"""Conflicts of interest (回避, domain.md §5): who may not act on a case's conflict-free tasks.

``InstanceExclusion`` is the fact, written when the case starts (``services.conflicts``): a person
excluded from the case and why. ``TaskExclusion`` repeats it for each ready task the diagram marks
conflict-free, so that every list of tasks filters with a probe of its primary key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, UTCDateTime


class InstanceExclusion(Base):
    """A person excluded from a case's conflict-free tasks: ``reason`` is a code
    (``registered_original``, ``handled_original``, ``took_decision``) and ``params`` what it
    names (the original case's registration number and instance id)."""

    __tablename__ = "instance_exclusions"
    __table_args__ = (Index("ix_instance_exclusion_user", "username", "instance_id"),)

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class TaskExclusion(Base):
    """A person who may not see, claim, hold or complete this (conflict-free) task."""

    __tablename__ = "task_exclusions"

    task_id: Mapped[str] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)

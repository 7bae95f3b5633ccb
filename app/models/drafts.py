"""Analyst drafts: a bundle (diagram, decision tables, forms) being edited, saved on the server, not deployed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, UTCDateTime


class Draft(Base):
    """One analyst's draft; ``lock_version`` is the optimistic lock every change (its files' too) takes."""

    __tablename__ = "drafts"
    __table_args__ = (
        # an analyst's drafts newest first: the workbench's list (migration 0020)
        Index("ix_draft_owner_updated", "owner", "updated_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    process_key: Mapped[str | None] = mapped_column(String(200))  # the deployed process it started from
    base_version: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}


class DraftFile(Base):
    """One file of a draft by its bundle name: ``<key>.bpmn``, ``<table>.dmn`` or ``forms/<key>.json``."""

    __tablename__ = "draft_files"
    __table_args__ = (UniqueConstraint("draft_id", "name", name="uq_draft_file_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text, deferred=True)  # loaded only when a file is read
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

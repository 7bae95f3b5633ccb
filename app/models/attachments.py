"""Evidence files: one row per upload, the bytes on disk under ``ATTACHMENTS_DIR``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, UTCDateTime


class Attachment(Base):
    """An uploaded file of a case; never deleted (archived with the case).

    ``instance_id`` is NULL while the file waits for the start form that uploaded it (intake:
    there is no case yet); starting the case binds it. ``storage_key`` names the file on disk
    (random, never the client's name)."""

    __tablename__ = "attachments"
    __table_args__ = (
        # a case's attachments in upload order (the case and task pages, the API list)
        Index("ix_attachment_instance_id", "instance_id", "id"),
        # a user's uploads still waiting for their start form (counted against a cap)
        Index("ix_attachment_uploader_instance", "uploaded_by", "instance_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(64), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # the task (and its BPMN element) the file was uploaded on, if any
    task_id: Mapped[str | None] = mapped_column(String(36))
    element_id: Mapped[str | None] = mapped_column(String(200))

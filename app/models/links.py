"""Links between cases: a crisis started from a complaint (``services.crisis_links``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, UTCDateTime


class InstanceLink(Base):
    """Case ``source_id`` started case ``target_id`` at ``element_id``; ``reason`` says why
    (``complaint_level``: a level A/B complaint; ``attitude_complaint``: staff attitude at the
    follow-up visit). Both cases run on their own: no data passes between them after the start."""

    __tablename__ = "instance_links"
    __table_args__ = (
        Index("ix_instance_link_source", "source_id", "reason"),
        Index("ix_instance_link_target", "target_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(40))
    element_id: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

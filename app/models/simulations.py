"""Simulation runs: an analyst's test run of a version or a diagram on its own virtual clock.

A run is never a process instance: it has no task rows, no timer rows, no notifications, and
nothing that lists, counts or fires instances reads this table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, UTCDateTime


class SimulationRun(Base):
    """One run; ``lock_version`` is the optimistic lock, ``virtual_now`` the run's own clock."""

    __tablename__ = "simulation_runs"
    __table_args__ = (
        # "my runs", newest first
        Index("ix_simulation_owner_id", "owner", "id"),
        Index("ix_simulation_definition", "definition_id"),
        Index("ix_simulation_draft", "draft_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str] = mapped_column(String(64))
    definition_id: Mapped[int | None] = mapped_column(ForeignKey("process_definitions.id", ondelete="CASCADE"))
    # the analyst's draft it runs: deleted with the draft
    draft_id: Mapped[int | None] = mapped_column(ForeignKey("drafts.id", ondelete="CASCADE"))
    process_key: Mapped[str] = mapped_column(String(200))
    version: Mapped[int | None]
    # what the run executes: the diagram (for the viewer) and, for a diagram not deployed, its
    # compiled spec; a deployed version's spec stays on its definition
    xml: Mapped[str] = mapped_column(Text, deferred=True)
    spec_json: Mapped[str | None] = mapped_column(Text, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    state_json: Mapped[str] = mapped_column(Text, deferred=True, default="")
    virtual_now: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="running")
    incident: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    log: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

"""Deployed process definitions and their running instances."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeEngine

from app.clock import utcnow
from app.db import Base, UTCDateTime


def BYTEWISE(length: int) -> TypeEngine[str]:
    """Text compared byte by byte (``COLLATE "C"`` on PostgreSQL; SQLite's default): a prefix
    search is then an index range whatever the database's collation."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class ProcessDefinition(Base):
    """One version of one executable process; the spec is stored once per version."""

    __tablename__ = "process_definitions"
    __table_args__ = (
        UniqueConstraint("key", "version", name="uq_definition_key_version"),
        Index("ix_definition_key_hash", "key", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200))
    version: Mapped[int]
    name: Mapped[str] = mapped_column(String(400))
    # large: loaded only when read (the spec only on a spec-cache miss)
    xml: Mapped[str] = mapped_column(Text, deferred=True)
    spec_json: Mapped[str] = mapped_column(Text, deferred=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deployed_by: Mapped[str | None] = mapped_column(String(64))
    # the change note given with the deploy (why this version exists); not loaded with every instance
    note: Mapped[str | None] = mapped_column(Text, deferred=True)
    # who may start it (camunda:candidateStarterGroups/-Users); both empty or NULL: anyone logged in
    starter_groups: Mapped[list[str] | None] = mapped_column(JSON)
    starter_users: Mapped[list[str] | None] = mapped_column(JSON)
    # the version of each process of another diagram its call activities run, bound at deploy
    # ({"crisis_response": 2}; NULL: it calls none)
    called_versions: Mapped[dict[str, int] | None] = mapped_column(JSON)
    # the diagram declares its cases confidential (employee grievances): services/visibility
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())


class ProcessInstance(Base):
    """A running (or finished) instance; ``lock_version`` is the optimistic lock."""

    __tablename__ = "process_instances"
    __table_args__ = (
        # the instance list is newest first (id DESC): each filter walks its index in that order
        Index("ix_instance_status_id", "status", "id"),
        Index("ix_instance_key_id", "process_key", "id"),
        Index("ix_instance_key_status_id", "process_key", "status", "id"),
        Index("ix_instance_started_by_id", "started_by", "id"),
        Index("ix_instance_business_key", "business_key"),
        # a version's instances per status: the definitions page and the heat map (migration 0018)
        Index("ix_instance_definition_status", "definition_id", "status", "id"),
        # the list's search filters (migration 0013), newest first within each
        Index("ix_instance_severity_id", "severity_level", "id"),
        Index("ix_instance_customer_name_id", "customer_name_key", "id"),
        Index("ix_instance_customer_phone_id", "customer_phone", "id"),
        Index("ix_instance_key_version_id", "process_key", "version", "id"),
        Index("ix_instance_created_id", "created_at", "id"),
        # HR's way in to the confidential cases, newest first (migration 0022)
        Index("ix_instance_confidential_id", "confidential", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    process_key: Mapped[str] = mapped_column(String(200))
    version: Mapped[int]
    business_key: Mapped[str | None] = mapped_column(BYTEWISE(200))
    status: Mapped[str] = mapped_column(String(20), default="running")
    state_json: Mapped[str] = mapped_column(Text, default="")
    variables: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    started_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lock_version: Mapped[int] = mapped_column(default=1)
    # summary columns the list searches, written on every save (services/instance_search)
    severity_level: Mapped[str | None] = mapped_column(String(1))
    customer_name: Mapped[str | None] = mapped_column(String(100))
    customer_name_key: Mapped[str | None] = mapped_column(BYTEWISE(100))
    customer_phone: Mapped[str | None] = mapped_column(BYTEWISE(32))
    # the versions of processes of other diagrams this instance runs in its call activities (its
    # version's binding, recorded when it starts and when it is migrated; NULL: none)
    called_versions: Mapped[dict[str, int] | None] = mapped_column(JSON)
    # copied from the definition at start: who may see the case (services/visibility)
    confidential: Mapped[bool] = mapped_column(default=False, server_default=false())

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": lock_version}

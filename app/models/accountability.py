"""Responsibility findings (domain.md §7): who a complaint was found against, for the monthly
penalties and awards and for the employee's appeal.

``services/responsibility.refresh`` writes one row per ``complaint_handling`` case whose
investigation named a responsible employee, in the case's own save; the appeal of a finding
(``responsibility_appeal``) changes its ``status``. Migration 0027 creates the table.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.clock import utcnow
from app.db import Base, UTCDateTime

# active: counts; appealed: the supervision group decides (still counts until overturned);
# upheld: counts; overturned: does not count
FINDING_STATUSES = ("active", "appealed", "upheld", "overturned")
COUNTED_STATUSES = ("active", "appealed", "upheld")


class ResponsibilityFinding(Base):
    """A case's finding: the employee and store responsible, whether the complaint was valid
    (成立) or unreasonable, and whether an unreasonable one was handled patiently (委屈奖)."""

    __tablename__ = "responsibility_findings"
    __table_args__ = (
        # the monthly count: one GROUP BY employee over a month's counted valid findings
        Index("ix_finding_month_employee", "month", "employee"),
        # an employee's own findings, newest first
        Index("ix_finding_employee_created", "employee", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id", ondelete="CASCADE"), unique=True)
    registration_number: Mapped[str | None] = mapped_column(String(200))
    employee: Mapped[str] = mapped_column(String(64))
    store: Mapped[str | None] = mapped_column(String(200))
    valid: Mapped[bool] = mapped_column(default=True)
    handled_patiently: Mapped[bool] = mapped_column(default=False)
    # YYYY-MM in business time of when the finding was first recorded: the month it counts in
    month: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(12), default="active")
    appeal_reason: Mapped[str | None] = mapped_column(Text)
    appealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the finding_appeal case deciding the appeal (its decision applies to this finding only)
    appeal_instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id", ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lock_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": lock_version}

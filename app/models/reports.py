"""The complaint facts table: one row per ``complaint_handling`` case with what reports count.

Written in the instance's own transaction by the one save path (``instances.save`` →
``services/complaint_facts.refresh``), so a report is a GROUP BY over this table and never loads
engine state or variables. Migration 0024 creates and backfills it.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, PrimaryKeyConstraint, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime

# the time limits a report rates (met / missed); the columns are ``sla_<rule>``
SLA_RULES = (
    "contact",
    "first_reply",
    "site_visit",
    "handling",
    "unresolved",
    "follow_up",
    "investigation_report",
    "promise",
    "quality",
)


class ComplaintFact(Base):
    """What the reports read about one complaint (``instance_id`` is the case)."""

    __tablename__ = "complaint_facts"
    __table_args__ = (
        # the period filter with each grouping (the summary and the page's breakdowns)
        Index("ix_fact_received", "received_at"),
        Index("ix_fact_department_received", "department", "received_at"),
        # open overdue cases, oldest first
        Index("ix_fact_open_overdue", "is_open", "overdue", "received_at"),
        # the improvement actions of the cases closed in a month
        Index("ix_fact_closed", "closed_at"),
        # batch detection (rule 3.7, services/batch_complaints): one indexed query per criterion
        Index("ix_fact_batch_problem", "product_name", "problem", "batch_number", "received_at"),
        Index("ix_fact_plant_date_problem", "product_name", "problem", "plant", "production_date"),
        Index("ix_fact_product_date_problem", "product_name", "problem", "production_date"),
        Index("ix_fact_batch_id", "batch_id"),
        # the percentiles of hours to close, per grouping, read from the index alone (migration 0028)
        Index(
            "ix_fact_received_hours",
            "received_at",
            "hours_to_close",
            "received_month",
            "subject",
            "severity_level",
            "channel",
            "department",
        ),
    )

    instance_id: Mapped[int] = mapped_column(
        ForeignKey("process_instances.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    registration_number: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # YYYY-MM of received_at in business time (+08:00): the month a case counts in, portable to group on
    received_month: Mapped[str] = mapped_column(String(7))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hours_to_close: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(20))
    is_open: Mapped[bool] = mapped_column(default=True)
    outcome: Mapped[str | None] = mapped_column(String(40))
    subject: Mapped[str | None] = mapped_column(String(40))
    severity_level: Mapped[str | None] = mapped_column(String(1))
    channel: Mapped[str | None] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(64))
    overdue: Mapped[bool] = mapped_column(default=False)
    sla_contact: Mapped[str | None] = mapped_column(String(6))
    sla_first_reply: Mapped[str | None] = mapped_column(String(6))
    sla_site_visit: Mapped[str | None] = mapped_column(String(6))
    sla_handling: Mapped[str | None] = mapped_column(String(6))
    sla_unresolved: Mapped[str | None] = mapped_column(String(6))
    sla_follow_up: Mapped[str | None] = mapped_column(String(6))
    # migration 0028: the quality department's 1-day report (1.5), the promised waiting time (2.8),
    # a quality complaint handled within 24 h (3.1)
    sla_investigation_report: Mapped[str | None] = mapped_column(String(6))
    sla_promise: Mapped[str | None] = mapped_column(String(6))
    sla_quality: Mapped[str | None] = mapped_column(String(6))
    reopened_count: Mapped[int] = mapped_column(default=0)
    satisfaction: Mapped[int | None]
    secondary: Mapped[bool] = mapped_column(default=False)
    # the customer complained about staff attitude at a follow-up visit (rule 3.6)
    attitude_complaint: Mapped[bool] = mapped_column(default=False)
    product_name: Mapped[str | None] = mapped_column(String(200))
    batch_number: Mapped[str | None] = mapped_column(String(100))
    responsible_employee: Mapped[str | None] = mapped_column(String(64))
    # the improvement actions recorded when the case was archived (Task_CloseArchive)
    corrective_action: Mapped[str | None] = mapped_column(Text)
    preventive_action: Mapped[str | None] = mapped_column(Text)
    # what batch detection compares (rule 3.7): the product's production date, plant, problem
    # code and chilled flag from the intake, the complainant's phone (independent consumers)
    production_date: Mapped[date | None]
    plant: Mapped[str | None] = mapped_column(String(100))
    problem: Mapped[str | None] = mapped_column(String(40))
    chilled: Mapped[bool] = mapped_column(default=False, server_default=false())
    complainant_phone: Mapped[str | None] = mapped_column(String(20))
    # rings before a phone intake was answered (rule 2.9)
    rings: Mapped[int | None]
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("complaint_batches.id", ondelete="SET NULL"))


class ComplaintBatch(Base):
    """Complaints linked as one batch (rule 3.7): what they share, how many, the recall decision.

    ``kind`` names the criterion that was reached (``BATCH_KINDS`` in services/batch_complaints);
    ``review_instance_id`` is the ``batch_review`` case that asks the quality department to decide
    the recall; ``recall_decided`` is NULL until then."""

    __tablename__ = "complaint_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    product_name: Mapped[str] = mapped_column(String(200))
    problem: Mapped[str] = mapped_column(String(40))
    batch_number: Mapped[str | None] = mapped_column(String(100))
    plant: Mapped[str | None] = mapped_column(String(100))
    production_date: Mapped[date | None]
    chilled: Mapped[bool] = mapped_column(default=False)
    case_count: Mapped[int] = mapped_column(default=0)
    review_instance_id: Mapped[int | None]
    recall_decided: Mapped[bool | None]
    recall_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SalesVolume(Base):
    """Units of a product (or product line) sold in a month: the complaint rate's denominator
    (rule 8.1). Kept by admins and analysts (``services/sales_volumes``); migration 0028."""

    __tablename__ = "sales_volumes"
    __table_args__ = (UniqueConstraint("month", "product", name="uq_sales_volume_month_product"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM, as complaint_facts.received_month
    # as the complaints name it (complaint_facts.product_name)
    product: Mapped[str] = mapped_column(String(200))
    units: Mapped[int] = mapped_column(BigInteger)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(64))


# the rollups' counters besides the per-limit ones (``<rule>_met``, ``<rule>_missed``)
ROLLUP_COUNTS = (
    "received",
    "closed",
    "open",
    "overdue",
    "rated",
    "on_time",
    "reopened",
    "satisfaction_sum",
    "satisfaction_count",
    "secondary",
    "resolved",
    "rings_recorded",  # phone intakes that recorded the rings (rule 2.9)
    "within_rings",  # ... answered within ANSWER_RINGS
)
ROLLUP_KEYS = ("month", "department", "subject", "severity_level", "channel")


class ComplaintMonthRollup(Base):
    """The facts' counts per month of intake and department, subject, severity and channel
    ('' when not recorded), kept in the save transaction by deltas (``services/complaint_rollups``),
    so a report of whole months sums a few rows per month instead of every case. Migration 0028."""

    __tablename__ = "complaint_month_rollups"
    __table_args__ = (PrimaryKeyConstraint(*ROLLUP_KEYS, name="pk_complaint_month_rollups"),)

    month: Mapped[str] = mapped_column(String(7))
    department: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(40))
    severity_level: Mapped[str] = mapped_column(String(1))
    channel: Mapped[str] = mapped_column(String(20))
    received: Mapped[int] = mapped_column(default=0)
    closed: Mapped[int] = mapped_column(default=0)
    open: Mapped[int] = mapped_column(default=0)
    overdue: Mapped[int] = mapped_column(default=0)
    rated: Mapped[int] = mapped_column(default=0)  # with a limit met or missed
    on_time: Mapped[int] = mapped_column(default=0)  # rated, none missed
    reopened: Mapped[int] = mapped_column(default=0)
    satisfaction_sum: Mapped[int] = mapped_column(default=0)
    satisfaction_count: Mapped[int] = mapped_column(default=0)
    secondary: Mapped[int] = mapped_column(default=0)
    resolved: Mapped[int] = mapped_column(default=0)
    rings_recorded: Mapped[int] = mapped_column(default=0)
    within_rings: Mapped[int] = mapped_column(default=0)
    contact_met: Mapped[int] = mapped_column(default=0)
    contact_missed: Mapped[int] = mapped_column(default=0)
    first_reply_met: Mapped[int] = mapped_column(default=0)
    first_reply_missed: Mapped[int] = mapped_column(default=0)
    site_visit_met: Mapped[int] = mapped_column(default=0)
    site_visit_missed: Mapped[int] = mapped_column(default=0)
    handling_met: Mapped[int] = mapped_column(default=0)
    handling_missed: Mapped[int] = mapped_column(default=0)
    unresolved_met: Mapped[int] = mapped_column(default=0)
    unresolved_missed: Mapped[int] = mapped_column(default=0)
    follow_up_met: Mapped[int] = mapped_column(default=0)
    follow_up_missed: Mapped[int] = mapped_column(default=0)
    investigation_report_met: Mapped[int] = mapped_column(default=0)
    investigation_report_missed: Mapped[int] = mapped_column(default=0)
    promise_met: Mapped[int] = mapped_column(default=0)
    promise_missed: Mapped[int] = mapped_column(default=0)
    quality_met: Mapped[int] = mapped_column(default=0)
    quality_missed: Mapped[int] = mapped_column(default=0)

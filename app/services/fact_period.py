"""The complaint facts of a report's period: received from its first to its last day (business
time), of its department when it names one. Shared by the figures (``reports``) and the
complaint rate (``complaint_rate``)."""

from __future__ import annotations

from sqlalchemy import and_
from sqlalchemy.sql import ColumnElement

from app.models import ComplaintFact as F
from app.services.report_period import Period


def in_period(period: Period) -> ColumnElement[bool]:
    condition = and_(F.received_at >= period.start, F.received_at < period.end)
    return and_(condition, F.department == period.department) if period.department else condition

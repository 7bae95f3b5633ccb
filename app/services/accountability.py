"""What the monthly accountability (``monthly_accountability``, domain.md §7 rules 7.1/7.2)
reads from the responsibility findings; the proposals themselves are
``handlers/accountability.accountability_proposals``.

- ``valid_counts``: per employee, the month's counted valid findings (one GROUP BY; an
  overturned finding does not count, an appealed one counts until it is overturned);
- ``patient_counts``: per employee, the month's unreasonable complaints handled patiently;
- ``clean_stores``: the stores known to the product (named by any finding) without any finding
  in the year, the longest without one first (then by name).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from app.models import ResponsibilityFinding
from app.models.accountability import COUNTED_STATUSES

F = ResponsibilityFinding


def valid_counts(session: Session, month: str) -> dict[str, int]:
    """Employee → the month's valid findings that count (not overturned)."""
    rows = session.execute(
        select(F.employee, func.count())
        .where(F.month == month, F.valid.is_(True), F.status.in_(COUNTED_STATUSES))
        .group_by(F.employee)
    )
    return {employee: n for employee, n in rows}


def patient_counts(session: Session, month: str) -> dict[str, int]:
    """Employee → the month's unreasonable complaints handled patiently (not overturned)."""
    rows = session.execute(
        select(F.employee, func.count())
        .where(F.month == month, F.valid.is_(False), F.handled_patiently.is_(True), F.status.in_(COUNTED_STATUSES))
        .group_by(F.employee)
    )
    return {employee: n for employee, n in rows}


def clean_stores(session: Session, year: int) -> list[str]:
    """The known stores without a finding in ``year``: the longest without one first."""
    last = func.max(F.created_at)
    in_year = func.sum(case((F.month.like(f"{year:04d}-%"), 1), else_=0))
    rows = session.execute(
        select(F.store, last).where(F.store.is_not(None)).group_by(F.store).having(in_year == 0).order_by(last, F.store)
    )
    return [store for store, _ in rows]


def review_facts(session: Session, params: dict[str, Any]) -> dict[str, Any]:
    """The facts a monthly review asks for: ``month`` (YYYY-MM) and, in January, ``year``."""
    month = str(params.get("month") or "")
    year = params.get("year")
    return {
        "valid": valid_counts(session, month),
        "patient": patient_counts(session, month),
        "clean_stores": clean_stores(session, int(year)) if isinstance(year, int) else [],
    }

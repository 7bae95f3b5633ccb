"""The complaint rate (rule 8.1): complaints per 10,000 units sold, where sales volumes exist.

A complaint counts when its product (``complaint_facts.product_name``) has a volume
(``sales_volumes``) for the month it was received in; the units are those volumes, each month's
share by the days of it the period covers (a day's report weighs 1/31 of March's units), so a
day, a week and a month read on one scale. With a department filter, the department's
complaints are set against all units sold (volumes are not kept per department). No volume in
the period: the rate is None.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.models import ComplaintFact as F
from app.models import SalesVolume as V
from app.services.fact_period import in_period
from app.services.report_period import Period

PER_UNITS = 10_000


def month_shares(period: Period) -> dict[str, float]:
    """Each month (YYYY-MM) the period touches, with the share of its days the period covers."""
    shares: dict[str, float] = {}
    day = period.first.replace(day=1)
    while day <= period.last:
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        covered = (min(period.last, following - timedelta(days=1)) - max(period.first, day)).days + 1
        shares[f"{day:%Y-%m}"] = covered / (following - day).days
        day = following
    return shares


def _per(complaints: int, units: float) -> float | None:
    return round(complaints * PER_UNITS / units, 2) if units > 0 else None


def complaint_rates(session: Session, period: Period) -> dict[str, Any]:
    """``{"per_10000_units", "complaints", "units", "products": [...]}``: the rate of the products
    with volumes in the period, and each one's (most complaints per unit first)."""
    shares = month_shares(period)
    units: dict[str, float] = {}
    for product, month, sold in session.execute(select(V.product, V.month, V.units).where(V.month.in_(shares))):
        units[product] = units.get(product, 0.0) + sold * shares[month]
    if not units:
        return {"per_10000_units": None, "complaints": 0, "units": 0, "products": []}
    matched = and_(F.product_name == V.product, F.received_month == V.month)
    query = select(V.product, func.count()).join_from(F, V, matched).where(in_period(period)).group_by(V.product)
    counts: dict[str, int] = {product: n for product, n in session.execute(query)}
    ranked = sorted(units, key=lambda p: (-(_per(counts.get(p, 0), units[p]) or 0.0), p))
    products = [
        {
            "product": p,
            "complaints": counts.get(p, 0),
            "units": round(units[p]),
            "per_10000_units": _per(counts.get(p, 0), units[p]),
        }
        for p in ranked
    ]
    complaints, sold = sum(counts.values()), sum(units.values())
    total = {"per_10000_units": _per(complaints, sold), "complaints": complaints, "units": round(sold)}
    return {**total, "products": products}

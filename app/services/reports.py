"""Report figures: SQL aggregates over ``complaint_facts`` (kept at save time), never over cases.

Every figure is a GROUP BY on the facts of the period (``ix_fact_received``, or
``ix_fact_department_received`` with a department); for a period of whole months the counts and
rates are sums of the month rollups kept at save time (``complaint_rollups``: the same figures,
a few rows per month instead of every case), the percentiles always come from the facts.
Definitions:

- ``received`` complaints received in the period; ``closed`` of them completed; ``open`` still
  running, suspended or in error; ``overdue`` with any time limit missed;
- ``on_time_rate`` of the cases with at least one rated time limit (met or missed), the share
  with none missed (None if no case was rated); per rule, ``met / (met + missed)``;
- ``median_hours_to_close`` / ``p90_hours_to_close``: percentiles of the closed cases' hours
  from intake to close, interpolated as ``percentile_cont`` does, in portable SQL (window
  functions, the same on SQLite and PostgreSQL);
- ``reopened`` cases reopened at least once; ``satisfaction_avg`` the mean follow-up score
  (1-5); ``secondary`` secondary complaints; ``resolved`` cases with outcome ``resolved``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, func, literal, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.models import ComplaintFact
from app.models.reports import SLA_RULES
from app.services import complaint_rate, complaint_rollups
from app.services.complaint_rollups import ANSWER_RINGS
from app.services.fact_period import in_period
from app.services.report_period import Period

F = ComplaintFact
GROUP_COLUMNS: dict[str, Any] = {
    "subject": F.subject,
    "severity": F.severity_level,
    "channel": F.channel,
    "department": F.department,
    "month": F.received_month,
}
# the same groupings in the month rollups (a period of whole months reads those)
ROLLUP_COLUMNS = {"subject": "subject", "severity": "severity_level", "channel": "channel",
                  "department": "department", "month": "month"}  # fmt: skip
TOTAL = "total"
TOP = 10
OVERDUE_LIST = 50
REPEATED = 2  # valid complaints against one employee in the period that make a repeated offender


def _count(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _rate(numerator: Any, denominator: Any) -> Any:
    return case((denominator > 0, cast(numerator, Float) / denominator), else_=None)


# a case with at least one time limit met or missed
_RATED = or_(*(getattr(F, f"sla_{rule}").is_not(None) for rule in SLA_RULES))


def _figures() -> list[Any]:
    rated = _count(_RATED)
    return [
        func.count().label("received"),
        _count(F.status == "completed").label("closed"),
        _count(F.is_open.is_(True)).label("open"),
        _count(F.overdue.is_(True)).label("overdue"),
        _rate(_count(and_(_RATED, F.overdue.is_(False))), rated).label("on_time_rate"),
        _count(F.reopened_count > 0).label("reopened"),
        func.avg(F.satisfaction).label("satisfaction_avg"),
        _count(F.secondary.is_(True)).label("secondary"),
        _count(F.outcome == "resolved").label("resolved"),
        # rule 2.9: the hotline answers within three rings (phone intakes that recorded the rings)
        _rate(_count(F.rings <= ANSWER_RINGS), _count(F.rings.is_not(None))).label("within_rings_rate"),
    ]


def _percentiles(session: Session, period: Period, key: Any | None) -> tuple[dict[str, float], dict[str, float]]:
    """The median and the 90th percentile of hours to close per ``key`` (None: the whole period,
    under ``TOTAL``), in one query: rank the closed cases of each group, then interpolate between
    the ranks around ``p * (n - 1) / 100`` as ``percentile_cont`` does. Integer division is the
    floor on both databases (a CAST of a float rounds on PostgreSQL)."""
    partition = {"partition_by": key} if key is not None else {}
    ranked = (
        select(
            *([key.label("key")] if key is not None else []),
            F.hours_to_close.label("hours"),
            (func.row_number().over(order_by=F.hours_to_close, **partition) - 1).label("i"),
            func.count().over(**partition).label("n"),
        )
        .where(in_period(period), F.hours_to_close.is_not(None))
        .subquery()
    )

    def percentile(percent: int) -> Any:
        scaled = literal(percent, Integer) * (ranked.c.n - 1)
        low = scaled // 100
        share = cast(scaled - low * 100, Float) / 100
        weight = case((ranked.c.i == low, 1 - share), (ranked.c.i == low + 1, share), else_=0)
        return func.sum(ranked.c.hours * weight)

    keys = [ranked.c.key] if key is not None else []
    query = select(*keys, func.count(), percentile(50), percentile(90))
    rows = session.execute(query.group_by(*keys)) if keys else session.execute(query)
    median: dict[str, float] = {}
    p90: dict[str, float] = {}
    for *group, n, p50_value, p90_value in rows:
        if n:
            name = _key(group[0]) if group else TOTAL
            median[name], p90[name] = round(float(p50_value), 2), round(float(p90_value), 2)
    return median, p90


def _key(value: object) -> str:
    return "" if value is None else str(value)


def _row(key: str, figures: Any, median: dict[str, float], p90: dict[str, float]) -> dict[str, Any]:
    on_time = figures.on_time_rate
    within_rings = figures.within_rings_rate
    satisfaction = figures.satisfaction_avg
    return {
        "key": key,
        "received": int(figures.received),
        "closed": int(figures.closed),
        "open": int(figures.open),
        "overdue": int(figures.overdue),
        "on_time_rate": None if on_time is None else round(float(on_time), 4),
        "median_hours_to_close": median.get(key),
        "p90_hours_to_close": p90.get(key),
        "reopened": int(figures.reopened),
        "satisfaction_avg": None if satisfaction is None else round(float(satisfaction), 2),
        "secondary": int(figures.secondary),
        "resolved": int(figures.resolved),
        "answered_within_3_rings_rate": None if within_rings is None else round(float(within_rings), 4),
    }


def summary(session: Session, period: Period, group_by: str) -> dict[str, Any]:
    """``{"rows": [...], "totals": {...}}`` of the period, one row per value of ``group_by``
    (a case without one counts under the key ``""``), in key order; and the complaint rate
    (complaints per 10,000 units sold, where sales volumes exist)."""
    return {
        "rows": summary_rows(session, period, group_by),
        "totals": totals(session, period),
        "complaint_rate": complaint_rate.complaint_rates(session, period),
    }


def totals(session: Session, period: Period) -> dict[str, Any]:
    """The figures of the whole period (the summary's ``totals``)."""
    if complaint_rollups.covers(period):
        [figures] = complaint_rollups.figures(session, period, None)
    else:
        figures = session.execute(select(*_figures()).where(in_period(period))).one()
    median, p90 = _percentiles(session, period, None)
    row = _row(TOTAL, figures, median, p90)
    del row["key"]
    return row


def sla_rates(session: Session, period: Period) -> list[dict[str, Any]]:
    """Per time limit: cases that met it, missed it, and the on-time rate."""
    counts = complaint_rollups.limit_counts(session, period) if complaint_rollups.covers(period) else None
    if counts is None:
        figures = []
        for rule in SLA_RULES:
            column = getattr(F, f"sla_{rule}")
            figures += [_count(column == "met"), _count(column == "missed")]
        row = session.execute(select(*figures).where(in_period(period))).one()
        counts = {rule: (int(row[2 * n]), int(row[2 * n + 1])) for n, rule in enumerate(SLA_RULES)}
    result = []
    for rule in SLA_RULES:
        met, missed = counts[rule]
        rate = round(met / (met + missed), 4) if met + missed else None
        result.append({"rule": rule, "met": met, "missed": missed, "on_time_rate": rate})
    return result


def repeated_offenders(session: Session, period: Period) -> list[dict[str, Any]]:
    """Employees named responsible in at least two valid complaints of the period, most first."""
    count = func.count().label("complaints")
    rows = session.execute(
        select(F.responsible_employee, count)
        .where(in_period(period), F.responsible_employee.is_not(None), F.outcome.is_distinct_from("invalid"))
        .group_by(F.responsible_employee)
        .having(func.count() >= REPEATED)
        .order_by(count.desc(), F.responsible_employee)
    )
    return [{"employee": employee, "complaints": n} for employee, n in rows]


def top_products(session: Session, period: Period) -> list[dict[str, Any]]:
    """The products and batches complained about most in the period (the ten first)."""
    count = func.count().label("complaints")
    rows = session.execute(
        select(F.product_name, F.batch_number, count)
        .where(in_period(period), F.product_name.is_not(None))
        .group_by(F.product_name, F.batch_number)
        .order_by(count.desc(), F.product_name, F.batch_number)
        .limit(TOP)
    )
    return [{"product": product, "batch": batch, "complaints": n} for product, batch, n in rows]


def open_overdue(session: Session, period: Period) -> list[dict[str, Any]]:
    """Open cases of the period with a missed time limit, oldest first (the first 50)."""
    rows = session.scalars(
        select(F)
        .where(in_period(period), F.is_open.is_(True), F.overdue.is_(True))
        .order_by(F.received_at, F.instance_id)
        .limit(OVERDUE_LIST)
    )
    return [
        {
            "instance_id": f.instance_id,
            "registration_number": f.registration_number,
            "received_at": f.received_at.isoformat(),
            "subject": f.subject,
            "severity": f.severity_level,
            "department": f.department,
            "missed": [rule for rule in SLA_RULES if getattr(f, f"sla_{rule}") == "missed"],
        }
        for f in rows
    ]


def improvement_actions(session: Session, period: Period) -> list[dict[str, Any]]:
    """The corrective and preventive actions of the cases closed in the period (the first 50)."""
    condition = and_(F.closed_at >= period.start, F.closed_at < period.end, F.corrective_action.is_not(None))
    if period.department:
        condition = and_(condition, F.department == period.department)
    rows = session.scalars(select(F).where(condition).order_by(F.closed_at, F.instance_id).limit(OVERDUE_LIST))
    return [
        {
            "registration_number": f.registration_number,
            "subject": f.subject,
            "corrective_action": f.corrective_action,
            "preventive_action": f.preventive_action,
        }
        for f in rows
    ]


def monthly(session: Session, period: Period) -> dict[str, Any]:
    """The monthly report of domain.md §8: totals, the four breakdowns, the time limits,
    repeated offenders, top products, the open overdue cases, the improvement actions and the
    complaint rate."""
    return {
        "month": f"{period.first:%Y-%m}",
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "department": period.department,
        "totals": totals(session, period),
        **{f"by_{g}": summary_rows(session, period, g) for g in ("subject", "severity", "channel", "department")},
        "sla": sla_rates(session, period),
        "repeated_offenders": repeated_offenders(session, period),
        "top_products": top_products(session, period),
        "open_overdue": open_overdue(session, period),
        "improvement_actions": improvement_actions(session, period),
        "complaint_rate": complaint_rate.complaint_rates(session, period),
    }


def summary_rows(session: Session, period: Period, group_by: str) -> list[dict[str, Any]]:
    """The summary's rows alone (no totals)."""
    key = GROUP_COLUMNS[group_by]
    if complaint_rollups.covers(period):
        grouped = complaint_rollups.figures(session, period, ROLLUP_COLUMNS[group_by])
    else:
        grouped = list(session.execute(select(key.label("key"), *_figures()).where(in_period(period)).group_by(key)))
    median, p90 = _percentiles(session, period, key)
    return sorted((_row(_key(r.key), r, median, p90) for r in grouped), key=lambda r: r["key"])

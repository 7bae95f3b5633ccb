"""Per-month rollups of the complaint facts, kept in the save transaction (rule 8.1 at scale).

``complaint_facts.refresh`` hands over the case's facts before and after the save; the case's
contribution (one received, closed or not, each limit met or missed, ...) is taken out of the
rollup row of its old key (month, department, subject, severity, channel) and added to the one
of its new key, each as ``INSERT ... ON CONFLICT DO UPDATE SET n = n + delta``: two saves of
different cases of one month add up, none reads a count and writes it back, so none is lost.
The two rows of a moved case are written in key order, so two such saves cannot deadlock.

``reports`` sums these rows for a period of whole months; ``rebuild`` recomputes them from the
facts (``flask setup`` after the facts backfill, and the bench after loading facts directly).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import Float, Integer, and_, case, cast, delete, func, insert, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from app.models import ComplaintFact, ComplaintMonthRollup
from app.models.reports import ROLLUP_COUNTS, ROLLUP_KEYS, SLA_RULES
from app.services.report_period import Period

R = ComplaintMonthRollup
F = ComplaintFact
Key = tuple[str, ...]
# the facts column of each rollup key (None stored as '')
KEY_COLUMNS = {"month": "received_month", "department": "department", "subject": "subject",
               "severity_level": "severity_level", "channel": "channel"}  # fmt: skip
ANSWER_RINGS = 3  # rule 2.9: the hotline rings at most three times
COUNTERS = (*ROLLUP_COUNTS, *(f"{rule}_{result}" for rule in SLA_RULES for result in ("met", "missed")))


def contribution(facts: dict[str, Any]) -> tuple[Key, dict[str, int]]:
    """What one case's facts (column -> value) add to its rollup row, and that row's key."""
    key = tuple(facts[KEY_COLUMNS[k]] or "" for k in ROLLUP_KEYS)
    limits = {rule: facts[f"sla_{rule}"] for rule in SLA_RULES}
    rated = any(v is not None for v in limits.values())
    satisfaction = facts["satisfaction"]
    counts = {
        "received": 1,
        "closed": facts["status"] == "completed",
        "open": bool(facts["is_open"]),
        "overdue": bool(facts["overdue"]),
        "rated": rated,
        "on_time": rated and not facts["overdue"],
        "reopened": facts["reopened_count"] > 0,
        "satisfaction_sum": satisfaction or 0,
        "satisfaction_count": satisfaction is not None,
        "secondary": bool(facts["secondary"]),
        "resolved": facts["outcome"] == "resolved",
        "rings_recorded": facts["rings"] is not None,
        "within_rings": facts["rings"] is not None and facts["rings"] <= ANSWER_RINGS,
        **{f"{rule}_{result}": value == result for rule, value in limits.items() for result in ("met", "missed")},
    }
    return key, {name: int(value) for name, value in counts.items()}


def columns_of(fact: ComplaintFact) -> dict[str, Any]:
    """The facts row's columns a contribution reads."""
    names = {*KEY_COLUMNS.values(), "status", "is_open", "overdue", "reopened_count", "satisfaction", "secondary",
             "outcome", "rings", *(f"sla_{rule}" for rule in SLA_RULES)}  # fmt: skip
    return {name: getattr(fact, name) for name in names}


def _add(session: Session, key: Key, counts: dict[str, int]) -> None:
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    row = make(R).values(**dict(zip(ROLLUP_KEYS, key, strict=True)), **counts)
    session.execute(
        row.on_conflict_do_update(
            index_elements=list(ROLLUP_KEYS),
            set_={name: getattr(R, name) + getattr(row.excluded, name) for name in counts},
        )
    )


def apply(session: Session, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
    """Move a case's contribution from its facts ``before`` the save (None: a new case) to ``after``."""
    deltas: dict[Key, dict[str, int]] = {}
    new_key, new = contribution(after)
    deltas[new_key] = dict(new)
    if before is not None:
        old_key, old = contribution(before)
        current = deltas.setdefault(old_key, dict.fromkeys(COUNTERS, 0))
        for name, value in old.items():
            current[name] -= value
    for key in sorted(deltas):
        changed = {name: value for name, value in deltas[key].items() if value}
        if changed:
            _add(session, key, changed)


def rebuild(session: Session) -> int:
    """Recompute every rollup row from the facts (one GROUP BY); returns the rows written."""
    session.execute(delete(R))
    keys = [func.coalesce(getattr(F, KEY_COLUMNS[k]), "").label(k) for k in ROLLUP_KEYS]

    def count(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rated = or_(*(getattr(F, f"sla_{rule}").is_not(None) for rule in SLA_RULES))
    sums = {
        "received": func.count(),
        "closed": count(F.status == "completed"),
        "open": count(F.is_open.is_(True)),
        "overdue": count(F.overdue.is_(True)),
        "rated": count(rated),
        "on_time": count(rated & F.overdue.is_(False)),
        "reopened": count(F.reopened_count > 0),
        "satisfaction_sum": func.coalesce(func.sum(F.satisfaction), 0),
        "satisfaction_count": func.count(F.satisfaction),
        "secondary": count(F.secondary.is_(True)),
        "resolved": count(F.outcome == "resolved"),
        "rings_recorded": func.count(F.rings),
        "within_rings": count(F.rings <= ANSWER_RINGS),
        **{
            f"{rule}_{result}": count(getattr(F, f"sla_{rule}") == result)
            for rule in SLA_RULES
            for result in ("met", "missed")
        },
    }
    query = select(*keys, *(cast(v, Integer).label(n) for n, v in sums.items())).group_by(*keys)
    session.execute(insert(R).from_select([*ROLLUP_KEYS, *sums], query))
    session.flush()
    return int(session.scalar(select(func.count()).select_from(R)) or 0)


def rebuild_if_empty(session: Session) -> int:
    """``rebuild`` when no rollup row exists yet (facts written before migration 0028)."""
    if session.scalar(select(R.month).limit(1)) is not None:
        return 0
    return rebuild(session)


def covers(period: Period) -> bool:
    """Whether the period is whole months (the rollups' grain): from a 1st to a month's last day."""
    return period.first.day == 1 and (period.last + timedelta(days=1)).day == 1


def _in_months(period: Period) -> ColumnElement[bool]:
    condition = and_(R.month >= f"{period.first:%Y-%m}", R.month <= f"{period.last:%Y-%m}")
    return and_(condition, R.department == period.department) if period.department else condition


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def figures(session: Session, period: Period, group: str | None) -> list[Any]:
    """The summary's counts and rates of a period of whole months, one row per value of the
    rollup column ``group`` (labelled ``key``), or one row for the whole period."""

    def rate(numerator: Any, denominator: Any) -> Any:
        return case((_sum(denominator) > 0, cast(_sum(numerator), Float) / _sum(denominator)), else_=None)

    counted = ("received", "closed", "open", "overdue", "reopened", "secondary", "resolved")
    columns = [
        *(_sum(getattr(R, name)).label(name) for name in counted),
        rate(R.on_time, R.rated).label("on_time_rate"),
        rate(R.satisfaction_sum, R.satisfaction_count).label("satisfaction_avg"),
        rate(R.within_rings, R.rings_recorded).label("within_rings_rate"),
    ]
    if group is None:
        return [session.execute(select(*columns).where(_in_months(period))).one()]
    key = getattr(R, group)
    return list(session.execute(select(key.label("key"), *columns).where(_in_months(period)).group_by(key)))


def limit_counts(session: Session, period: Period) -> dict[str, tuple[int, int]]:
    """Per time limit, the cases of the whole months that met it and that missed it."""
    sums = [_sum(getattr(R, f"{rule}_{result}")) for rule in SLA_RULES for result in ("met", "missed")]
    row = session.execute(select(*sums).where(_in_months(period))).one()
    return {rule: (int(row[2 * n]), int(row[2 * n + 1])) for n, rule in enumerate(SLA_RULES)}

"""Who may read reports and what a report asks for: the period, the grouping, the department.

A period is ``from``/``to`` dates, or a preset (``period`` = ``day``, ``week`` (ISO, Monday to
Sunday) or ``month``) around ``date`` (default today): the store's morning meeting reads its day,
the region its week, the centre its month. Bad input is a 422 naming the query field (``from``,
``to``, ``period``, ``date``, ``month``, ``group_by``, ``department``); nothing here touches the
database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from app.clock import business_today, clock
from app.errors import Forbidden, Invalid
from app.models import User

# the handler roles with reporting rights (api-contract.md, "Reports"): supervisors, managers,
# the marketing director, the general manager, and the admin role. Analysts model processes and
# do not read the line's figures (repeated offenders name employees).
REPORTING_GROUPS = ("cs_supervisors", "managers", "marketing_director", "general_manager")
REPORTING_ROLES = ("admin",)
GROUPINGS = ("subject", "severity", "channel", "department", "month")
PRESETS = ("day", "week", "month")
DEFAULT_DAYS = 30
MAX_DAYS = 3660
MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
_DEPARTMENT = re.compile(r"^[a-z0-9_]{1,64}$")


def may_read_reports(user: User) -> bool:
    return any(user.has_role(r) for r in REPORTING_ROLES) or bool(set(user.group_keys) & set(REPORTING_GROUPS))


def require_reporting_right(user: User) -> None:
    """403 unless the user is a supervisor, manager, director, general manager or admin."""
    if not may_read_reports(user):
        raise Forbidden(
            "reports are for supervisors, managers, the marketing director, the general manager and admins",
            code="reporting_right_required",
        )


@dataclass(frozen=True)
class Period:
    """Complaints received from ``first`` to ``last`` (dates in business time, both included)."""

    first: date
    last: date
    department: str | None = None
    # "range" (from/to), or the preset it was asked as: "day", "week", "month"
    kind: str = "range"

    @property
    def name(self) -> str:
        """How people name the period: 2025-03-12, 2025-W11, 2025-03, or 2025-03-01/2025-03-31."""
        if self.kind == "day":
            return self.first.isoformat()
        if self.kind == "week":
            year, week, _ = self.first.isocalendar()
            return f"{year}-W{week:02d}"
        if self.kind == "month":
            return f"{self.first:%Y-%m}"
        return f"{self.first.isoformat()}/{self.last.isoformat()}"

    def described(self) -> dict[str, str | None]:
        """The period as the API echoes it."""
        return {
            "kind": self.kind,
            "name": self.name,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "department": self.department,
        }

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), clock.business_tz)

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return datetime.combine(self.last + timedelta(days=1), time(), clock.business_tz)


def _invalid(field: str, message: str) -> Invalid:
    return Invalid(f"{field}: {message}", code="invalid_report_query", details=[{"field": field, "message": message}])


def _date(field: str, raw: str | None) -> date | None:
    if raw is None or raw == "":
        return None
    try:
        if len(raw) != 10:
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise _invalid(field, "a date as YYYY-MM-DD") from None


def _department(raw: str | None) -> str | None:
    if raw is None or raw == "":
        return None
    if not _DEPARTMENT.match(raw):
        raise _invalid("department", "a group key (lower-case letters, digits, _)")
    return raw


def period_from(raw_from: str | None, raw_to: str | None, raw_department: str | None = None) -> Period:
    """``from``/``to`` (YYYY-MM-DD, both optional: the last 30 days up to today by default)."""
    last = _date("to", raw_to) or business_today()
    first = _date("from", raw_from) or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise _invalid("from", "must not be after to")
    if (last - first).days >= MAX_DAYS:
        raise _invalid("from", f"a period of at most {MAX_DAYS} days")
    return Period(first, last, _department(raw_department))


def _month_of(day: date, department: str | None) -> Period:
    first = day.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), department, "month")


def month_period(raw_month: str | None, raw_department: str | None = None, *, field: str = "month") -> Period:
    """``month`` (YYYY-MM, required) as the period from its first to its last day (422 naming ``field``)."""
    if not raw_month or not MONTH_PATTERN.match(raw_month):
        raise _invalid(field, "a month as YYYY-MM")
    return _month_of(date(int(raw_month[:4]), int(raw_month[5:]), 1), _department(raw_department))


def preset_period(raw_kind: str, raw_date: str | None, raw_department: str | None = None) -> Period:
    """The day, ISO week (Monday to Sunday) or month that holds ``date`` (default today)."""
    if raw_kind not in PRESETS:
        raise _invalid("period", f"one of {', '.join(PRESETS)}")
    day = _date("date", raw_date) or business_today()
    department = _department(raw_department)
    if raw_kind == "day":
        return Period(day, day, department, "day")
    if raw_kind == "week":
        monday = day - timedelta(days=day.weekday())
        return Period(monday, monday + timedelta(days=6), department, "week")
    return _month_of(day, department)


def requested_period(query: Mapping[str, str]) -> Period:
    """The period a report's query asks for: a ``period`` preset (with ``date``), or ``from``/``to``;
    not both."""
    if query.get("period"):
        if query.get("from") or query.get("to"):
            raise _invalid("period", "give either a period preset or from/to, not both")
        return preset_period(query["period"], query.get("date"), query.get("department"))
    if query.get("date"):
        raise _invalid("date", "a date needs a period preset (day, week, month)")
    return period_from(query.get("from"), query.get("to"), query.get("department"))


def grouping(raw: str | None) -> str:
    """``group_by`` (one of subject, severity, channel, department, month; default subject)."""
    if raw is None or raw == "":
        return "subject"
    if raw not in GROUPINGS:
        raise _invalid("group_by", f"one of {', '.join(GROUPINGS)}")
    return raw

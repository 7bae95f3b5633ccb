"""Who may read reports and what a report asks for: the period, the grouping, the department.

Bad input is a 422 naming the query field (``from``, ``to``, ``month``, ``group_by``,
``department``); nothing here touches the database.
"""

from __future__ import annotations

import re
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
DEFAULT_DAYS = 30
MAX_DAYS = 3660
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
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


def month_period(raw_month: str | None, raw_department: str | None = None) -> Period:
    """``month`` (YYYY-MM, required) as the period from its first to its last day."""
    if not raw_month or not _MONTH.match(raw_month):
        raise _invalid("month", "a month as YYYY-MM")
    first = date(int(raw_month[:4]), int(raw_month[5:]), 1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return Period(first, following - timedelta(days=1), _department(raw_department))


def grouping(raw: str | None) -> str:
    """``group_by`` (one of subject, severity, channel, department, month; default subject)."""
    if raw is None or raw == "":
        return "subject"
    if raw not in GROUPINGS:
        raise _invalid("group_by", f"one of {', '.join(GROUPINGS)}")
    return raw

"""Time limits (SLA) of the complaint procedures (domain.md §2) and escalation on a breach (§3).

``sla_deadlines`` turns the intake time, the handling hours of the severity grade (the
``handling_time_limit`` decision table, processes/handling_time_limit.dmn) and the subject into the due
times the diagram's timers wait for (``timeDate`` expressions such as ``sla["contact_due"]``);
``escalate_severity`` raises a severity level when a time limit is missed. Working days come
from the product's business calendar (``app.business_calendar``, pure: no Flask, no database),
the same one the diagram helpers ``working_days`` and ``end_of_working_day`` use.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from handlers.catalogue import HandlerDeclaration, Parameter
from handlers.severity import LEVELS

CONTACT_HOURS = 12  # contact the consumer, or it becomes a secondary complaint (level D)
FIRST_REPLY_HOURS = 24  # first reply to every complaint
SITE_VISIT_WORKING_DAYS = 2  # the salesperson visits the customer on site
SITE_VISIT_SUBJECTS = ("sales", "after_sales")
# Sales complaints are solved by the end of the n-th working day, by source.
SALES_WORKING_DAYS: dict[str, int] = {"internal": 3, "external": 7}
UNRESOLVED_MONTHS = 1  # unresolved after a month: counts as a major complaint
QUALITY_HANDLING_HOURS = 24  # a product-quality complaint not handled by then is level D (rule 3.1)
QUALITY_SUBJECT = "product_quality"
MAX_PROMISED_HOURS = 72  # the waiting time promised to the customer: at most 3 days (rule 2.8)
REMINDER_SHARE = 0.75  # reminders go out when this share of the time allowed has passed

GRADES = ("general", "important", "major", "crisis")  # least to most severe
MAX_HANDLING_HOURS = 24 * 366  # a table value beyond a year is a typo, not a time limit


def sla_deadlines(params: dict[str, Any]) -> dict[str, Any]:
    """Due times of every time limit of a complaint, ISO 8601 with the business offset.

    ``params``: ``received_at`` (ISO date-time with offset, required), ``start`` (when the
    handling clock starts, default ``received_at``; a reopened case starts it again),
    ``severity_grade`` (general/important/major/crisis), ``handling_hours`` (the hours the
    ``handling_time_limit`` table allows that grade, > 0), ``subject`` and
    ``sales_complaint_source`` (internal/external, for subject ``sales``; may be None),
    ``promised_at`` and ``promised_reply_hours`` (when the customer was told how long to wait, and
    how long: 1-72 h; both optional).

    Returns ``contact_due``/``contact_reminder`` (12 h), ``first_reply_due``/``…_reminder``
    (24 h) and ``site_visit_due``/``…_reminder`` (2 working days) from ``received_at``;
    ``handling_due``/``…_reminder`` from ``start`` with ``handling_rule`` naming the rule
    applied: the sales department's limit (end of the 3rd / 7th working day) for a sales
    complaint whose source is known, else ``handling_hours``; ``unresolved_due``/``…_reminder``
    (one calendar month after ``received_at``); ``quality_due``: ``start`` + 24 h for a
    product-quality complaint, else None; ``promise_due``: ``promised_at`` + ``promised_reply_hours``, or None
    without a promise. Every reminder is at 75 % of its time allowed (working time for
    working-day limits).
    """
    from app.business_calendar import default_calendar

    cal = default_calendar()
    received = _moment(params.get("received_at"), "received_at").astimezone(cal.tz)
    start = received if params.get("start") is None else _moment(params["start"], "start").astimezone(cal.tz)
    grade = params.get("severity_grade")
    if grade not in GRADES:
        raise ValueError(f"severity_grade must be one of {', '.join(GRADES)}, got {grade!r}")
    hours = params.get("handling_hours")
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= MAX_HANDLING_HOURS:
        raise ValueError(f"handling_hours must be a number of hours > 0 and <= {MAX_HANDLING_HOURS}, got {hours!r}")
    subject = params.get("subject")
    source = params.get("sales_complaint_source")
    if source is not None and source not in SALES_WORKING_DAYS:
        raise ValueError(f"sales_complaint_source must be internal, external or absent, got {source!r}")

    contact_due = received + timedelta(hours=CONTACT_HOURS)
    first_reply_due = received + timedelta(hours=FIRST_REPLY_HOURS)
    site_visit_due = cal.add_working_days(received, SITE_VISIT_WORKING_DAYS)
    if subject == "sales" and source is not None:
        days = SALES_WORKING_DAYS[source]
        handling_due = cal.end_of_working_day(start, days)
        handling_reminder = _working_time_share(cal, start, handling_due)
        rule = f"sales_{source}_{days}_working_days"
    else:
        handling_due = start + timedelta(hours=hours)
        handling_reminder = _share(start, handling_due)
        rule = f"{grade}_{hours}h"
    unresolved_due = received + relativedelta(months=UNRESOLVED_MONTHS)
    quality_due = start + timedelta(hours=QUALITY_HANDLING_HOURS) if subject == QUALITY_SUBJECT else None
    return {
        "received_at": received.isoformat(),
        "start": start.isoformat(),
        "contact_due": contact_due.isoformat(),
        "contact_reminder": _share(received, contact_due).isoformat(),
        "first_reply_due": first_reply_due.isoformat(),
        "first_reply_reminder": _share(received, first_reply_due).isoformat(),
        "site_visit_due": site_visit_due.isoformat(),
        "site_visit_reminder": _working_time_share(cal, received, site_visit_due).isoformat(),
        "handling_rule": rule,
        "handling_due": handling_due.isoformat(),
        "handling_reminder": handling_reminder.isoformat(),
        "unresolved_due": unresolved_due.isoformat(),
        "unresolved_reminder": _share(received, unresolved_due).isoformat(),
        "quality_due": quality_due.isoformat() if quality_due else None,
        "promise_due": _promise_due(params.get("promised_at"), params.get("promised_reply_hours")),
    }


def _promise_due(promised_at: Any, hours: Any) -> str | None:
    """When the waiting time promised to the customer runs out (ISO 8601), None without a promise."""
    if promised_at is None or hours is None:
        return None
    if isinstance(hours, bool) or not isinstance(hours, int | float) or not 0 < hours <= MAX_PROMISED_HOURS:
        raise ValueError(f"promised_reply_hours must be hours > 0 and <= {MAX_PROMISED_HOURS}, got {hours!r}")
    return (_moment(promised_at, "promised_at") + timedelta(hours=hours)).isoformat()


SLA_DEADLINES = HandlerDeclaration(
    zh="计算投诉的各项时限及提醒时间",
    en="Due times and reminders of every time limit of a complaint",
    parameters=(
        Parameter(
            "received_at", "string", True, "受理时间 (ISO 8601, 带时区)", "when it was received (ISO 8601 with offset)"
        ),
        Parameter(
            "severity_grade",
            "string",
            True,
            "等级: general/important/major/crisis",
            "grade: general/important/major/crisis",
        ),
        Parameter(
            "handling_hours",
            "number",
            True,
            "处理时限 (小时, 来自决策表 handling_time_limit)",
            "handling time limit in hours (from the handling_time_limit decision table)",
        ),
        Parameter("subject", "string", False, "投诉主题", "complaint subject"),
        Parameter(
            "sales_complaint_source",
            "string",
            False,
            "销售投诉来源: internal/external",
            "sales complaint source: internal/external",
        ),
        Parameter(
            "start",
            "string",
            False,
            "处理计时起点 (默认受理时间)",
            "when the handling clock starts (default: received_at)",
        ),
        Parameter(
            "promised_at",
            "string",
            False,
            "向客户承诺等待时间的时刻 (ISO 8601)",
            "when the customer was told the waiting time (ISO 8601)",
        ),
        Parameter(
            "promised_reply_hours",
            "number",
            False,
            "承诺的等待时间 (小时, 1-72)",
            "the waiting time promised to the customer, hours (1-72)",
        ),
    ),
    result=(
        "contact_due",
        "first_reply_due",
        "site_visit_due",
        "handling_due",
        "handling_rule",
        "unresolved_due",
        "quality_due",
        "promise_due",
    ),
)


def escalate_severity(params: dict[str, Any]) -> dict[str, Any]:
    """Raise ``params["severity"]`` (a ``severity_from_criteria`` result) to ``to_level`` for ``reason``.

    A level already as severe or more stays; either way ``reason`` is added to ``reasons``
    (once) as ``{"criterion": reason, "level": to_level}``, most severe first, in place of
    ``general_complaint``. When the level
    rises, colour, responsible and informed become the new level's. ``grade`` becomes the most
    severe of the current one, the optional ``grade`` parameter (the grade the case was
    classified with) and the new level's grade. With ``due`` and ``now`` (ISO date-times) the
    escalation applies only when ``now`` is at or after ``due``; otherwise ``severity`` comes
    back unchanged, as it does with ``now`` and no ``due`` (no time limit applies to the case).
    """
    severity = params.get("severity")
    if not isinstance(severity, dict) or severity.get("level") not in LEVELS:
        raise ValueError(f"severity must be a classified severity with a level A-E, got {severity!r}")
    to_level = params.get("to_level")
    if to_level not in LEVELS:
        raise ValueError(f"to_level must be one of {', '.join(LEVELS)}, got {to_level!r}")
    reason = params.get("reason")
    if not isinstance(reason, str) or not reason:
        raise ValueError("reason must be a non-empty string")
    grade = params.get("grade")
    if grade is not None and grade not in GRADES:
        raise ValueError(f"grade must be one of {', '.join(GRADES)} or absent, got {grade!r}")
    result = dict(severity)
    if params.get("due") is None and params.get("now") is not None:
        return result  # no such time limit for this case
    timed = params.get("due") is not None or params.get("now") is not None
    if timed and _moment(params.get("now"), "now") < _moment(params.get("due"), "due"):
        return result
    # "general_complaint" means that nothing else matched: a missed time limit now does
    reasons = [dict(r) for r in severity.get("reasons") or [] if r.get("criterion") != "general_complaint"]
    if not any(r.get("criterion") == reason for r in reasons):
        reasons.append({"criterion": reason, "level": to_level})
    reasons.sort(key=lambda r: str(r.get("level")))
    result["reasons"] = reasons
    if to_level < severity["level"]:  # "A" is the most severe
        roles = LEVELS[to_level]
        result |= {
            "level": to_level,
            "colour": roles["colour"],
            "responsible": list(roles["responsible"]),
            "informed": list(roles["informed"]),
        }
    grades = [g for g in (severity.get("grade"), grade, LEVELS[result["level"]]["grade"]) if g in GRADES]
    result["grade"] = max(grades, key=GRADES.index)
    return result


ESCALATE_SEVERITY = HandlerDeclaration(
    zh="因超时等原因提升投诉等级",
    en="Raise a complaint's severity level for a reason (e.g. a missed time limit)",
    parameters=(
        Parameter(
            "severity",
            "object",
            True,
            "当前等级 (classify_severity 的结果)",
            "the current severity (a classify_severity result)",
        ),
        Parameter("to_level", "string", True, "提升到的等级 A-E", "the level to raise it to, A-E"),
        Parameter("reason", "string", True, "原因", "the reason, recorded among the reasons"),
        Parameter("grade", "string", False, "受理时的等级", "the grade the case was classified with"),
        Parameter(
            "due", "string", False, "时限 (与 now 一起: 未到期则不变)", "a due time (with now: no change before it)"
        ),
        Parameter("now", "string", False, "当前时间 (ISO 8601)", "the current time (ISO 8601)"),
    ),
    result=("level", "colour", "grade", "responsible", "informed", "reasons"),
)


def _moment(value: Any, name: str) -> datetime:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{name} must be an ISO 8601 date-time, got {value!r}") from None
    else:
        raise ValueError(f"{name} must be an ISO 8601 date-time with an offset, got {value!r}")
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must have a time zone offset, got {value!r}")
    return moment


def _share(start: datetime, due: datetime) -> datetime:
    """``REMINDER_SHARE`` of the way from ``start`` to ``due``, whole seconds."""
    return start + timedelta(seconds=round((due - start).total_seconds() * REMINDER_SHARE))


def _working_time_share(cal: Any, start: datetime, due: datetime) -> datetime:
    """``REMINDER_SHARE`` of the working time between ``start`` and ``due``, counted in working
    hours from ``start`` (so a reminder never falls on a night or a holiday)."""
    worked = _working_seconds(cal, start, due)
    if worked <= 0:
        return _share(start, due)
    return cal.add_working_hours(start, round(worked * REMINDER_SHARE) / 3600)


def _working_seconds(cal: Any, start: datetime, end: datetime) -> float:
    """Seconds of working time between two moments (working periods of working days)."""
    total = 0.0
    local_start, local_end = start.astimezone(cal.tz), end.astimezone(cal.tz)
    day: date = local_start.date()
    while day <= local_end.date():
        if cal.is_working_day(day):
            for begin, finish in cal.hours:
                period_start = max(datetime.combine(day, begin, tzinfo=cal.tz), local_start)
                period_end = min(datetime.combine(day, finish, tzinfo=cal.tz), local_end)
                total += max(0.0, (period_end - period_start).total_seconds())
        day += timedelta(days=1)
    return total

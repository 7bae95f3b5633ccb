"""Time limits of an appeal to a certification body or laboratory (domain.md §5).

``appeal_time_limits`` checks the filing limit (rule 5.1: a decision is appealed within 10
working days of it; rule 5.4: a test report is objected to within 15 calendar days of receiving
it) and gives the due times the diagram's timers wait for: the acceptance decision within 5
working days of receipt (5.1) and the decision within 30 days (5.3). Working days come from the
product's business calendar (``app.business_calendar``, pure: no Flask, no database).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from handlers.catalogue import HandlerDeclaration, Parameter

APPEAL_WORKING_DAYS = 10  # a decision is appealed within 10 working days of it (5.1)
OBJECTION_DAYS = 15  # a test report is objected to within 15 days of receiving it (5.4)
ACCEPTANCE_WORKING_DAYS = 5  # the body decides whether it accepts the appeal (5.1)
DECISION_DAYS = 30  # the appeal is decided within 30 days (5.3)
APPEAL_TYPES = ("decision_appeal", "report_objection")


def appeal_time_limits(params: dict[str, Any]) -> dict[str, Any]:
    """``params``: ``appeal_type`` (decision_appeal/report_objection), ``filed_on`` (ISO date),
    ``decision_date`` (ISO date, for a decision appeal), ``report_received_on`` (ISO date, for
    an objection to a test report) and ``received_at`` (ISO date-time with offset: when the
    body registered it).

    Returns ``filing_deadline`` (the last day to file, ISO date), ``filed_in_time``,
    ``refusal_reason`` (zh/en, None when in time), ``acceptance_due`` (end of the 5th working
    day after receipt) and ``decision_due`` (30 days after receipt), both ISO date-times.
    """
    from app.business_calendar import default_calendar

    cal = default_calendar()
    kind = params.get("appeal_type")
    if kind not in APPEAL_TYPES:
        raise ValueError(f"appeal_type must be one of {', '.join(APPEAL_TYPES)}, got {kind!r}")
    filed = _day(params.get("filed_on"), "filed_on")
    if kind == "decision_appeal":
        start = _day(params.get("decision_date"), "decision_date")
        noon = datetime.combine(start, time(12), tzinfo=cal.tz)
        deadline = cal.add_working_days(noon, APPEAL_WORKING_DAYS).date()
        limit = f"{APPEAL_WORKING_DAYS} 个工作日 / {APPEAL_WORKING_DAYS} working days of the decision ({start})"
    else:
        start = _day(params.get("report_received_on"), "report_received_on")
        deadline = start + timedelta(days=OBJECTION_DAYS)
        limit = f"{OBJECTION_DAYS} 天 / {OBJECTION_DAYS} days of receiving the test report ({start})"
    in_time = filed <= deadline
    received = _moment(params.get("received_at"), "received_at").astimezone(cal.tz)
    acceptance_day = cal.add_working_days(received, ACCEPTANCE_WORKING_DAYS).date()
    return {
        "filing_deadline": deadline.isoformat(),
        "filed_in_time": in_time,
        "refusal_reason": None
        if in_time
        else f"逾期申诉, 不予受理: 提出于 {filed}, 期限为 {limit}, 截止 {deadline}. "
        f"Refused as late: filed on {filed}, the limit is {limit}, the last day was {deadline}.",
        "acceptance_due": datetime.combine(acceptance_day, cal.closing_time, tzinfo=cal.tz).isoformat(),
        "decision_due": (received + timedelta(days=DECISION_DAYS)).isoformat(),
    }


def _day(value: Any, name: str) -> date:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be an ISO date, got {value!r}")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise ValueError(f"{name} must be an ISO date, got {value!r}") from None


def _moment(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be an ISO date-time, got {value!r}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name} must be an ISO date-time, got {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"{name} must carry its offset, got {value!r}")
    return moment


APPEAL_TIME_LIMITS = HandlerDeclaration(
    zh="申诉的提出期限(10个工作日/检测报告15天)、受理期限(5个工作日)和决定期限(30天)",
    en="An appeal's filing limit (10 working days; 15 days for a test report), acceptance (5 working days) "
    "and decision (30 days) due times",
    parameters=(
        Parameter("appeal_type", "string", True, "类型: 决定申诉/检测报告异议", "decision_appeal or report_objection"),
        Parameter("filed_on", "string", True, "提出日期", "the day the appeal was filed (ISO date)"),
        Parameter("decision_date", "string", False, "被申诉决定的日期", "the date of the decision appealed"),
        Parameter("report_received_on", "string", False, "收到检测报告的日期", "the day the test report was received"),
        Parameter("received_at", "string", True, "登记时间 (ISO 8601, 带时区)", "when the body registered it"),
    ),
    result=("filing_deadline", "filed_in_time", "refusal_reason", "acceptance_due", "decision_due"),
)

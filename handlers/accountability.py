"""Accountability (domain.md §7): the day the monthly review runs, and the penalty and award
proposals from the counts the product reads for it (``services/accountability``).

- ``accountability_period``: whether ``now`` (business time) is the first working day of its
  month (weekends, public holidays and make-up days of the product's business calendar); the
  month reviewed (the previous one) and, in January, the year reviewed (the previous one).
- ``accountability_proposals``: per employee, the month's valid findings → 2: public criticism
  and 100 yuan, 3: 200, 4: 300, 5 or more: a dismissal proposal (serious); per employee, each
  unreasonable complaint handled patiently → a 100-yuan grievance award (委屈奖); in January,
  the top three stores without a complaint all year → 1,500 yuan each.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from handlers.catalogue import HandlerDeclaration, Parameter

# valid findings in a month -> (action, fine in yuan); five or more: PENALTY_DISMISSAL
PENALTY_TIERS = {2: ("public_criticism_and_fine", 100), 3: ("fine", 200), 4: ("fine", 300)}
PENALTY_DISMISSAL = 5
GRIEVANCE_AWARD_YUAN = 100
STORE_AWARD_YUAN = 1500
STORE_AWARDS = 3


def accountability_period(params: dict[str, Any]) -> dict[str, Any]:
    """``now`` (ISO date-time) → ``{first_working_day, today, month, year}``: ``month`` the
    previous month (YYYY-MM), ``year`` the previous year on January's review, else None."""
    from app.business_calendar import default_calendar

    now = params.get("now")
    if not isinstance(now, str):
        raise ValueError("now: an ISO 8601 date-time is required")
    moment = datetime.fromisoformat(now)
    if moment.tzinfo is None:
        raise ValueError("now: the date-time needs a time zone")
    calendar = default_calendar()
    today = moment.astimezone(calendar.tz).date()
    first = next(
        date(today.year, today.month, d)
        for d in range(1, 32)
        if calendar.is_working_day(date(today.year, today.month, d))
    )
    previous = date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)
    return {
        "first_working_day": today == first,
        "today": today.isoformat(),
        "month": previous.strftime("%Y-%m"),
        "year": previous.year if today.month == 1 else None,
    }


def _penalty(employee: str, count: int) -> dict[str, Any] | None:
    if count >= PENALTY_DISMISSAL:
        return {"employee": employee, "valid_findings": count, "action": "dismissal", "fine_yuan": None}
    tier = PENALTY_TIERS.get(count)
    if tier is None:
        return None
    return {"employee": employee, "valid_findings": count, "action": tier[0], "fine_yuan": tier[1]}


def accountability_proposals(params: dict[str, Any]) -> dict[str, Any]:
    """The proposals from ``valid`` ({employee: valid findings of the month}), ``patient``
    ({employee: unreasonable complaints handled patiently}) and ``clean_stores`` (stores without a
    complaint all year, best first; empty but in January)."""
    valid = params.get("valid") or {}
    patient = params.get("patient") or {}
    stores = params.get("clean_stores") or []
    if not isinstance(valid, dict) or not isinstance(patient, dict) or not isinstance(stores, list):
        raise ValueError("valid and patient are objects, clean_stores a list")
    penalties = [p for e in sorted(valid) if (p := _penalty(e, int(valid[e]))) is not None]
    penalties.sort(key=lambda p: (-p["valid_findings"], p["employee"]))
    awards = [
        {"employee": e, "patient_complaints": int(n), "award_yuan": GRIEVANCE_AWARD_YUAN * int(n)}
        for e, n in sorted(patient.items())
        if int(n) > 0
    ]
    store_awards = [{"store": str(s), "award_yuan": STORE_AWARD_YUAN} for s in stores[:STORE_AWARDS]]
    lines = [
        f"{p['employee']}: {p['valid_findings']} 次有效投诉 valid complaints → "
        + ("建议辞退 dismissal proposed" if p["action"] == "dismissal" else f"罚款 fine {p['fine_yuan']} 元 yuan")
        + (" + 通报批评 public criticism" if p["action"] == "public_criticism_and_fine" else "")
        for p in penalties
    ]
    lines += [f"{a['employee']}: 委屈奖 grievance award {a['award_yuan']} 元 yuan" for a in awards]
    lines += [
        f"{s['store']}: 全年零投诉门店奖 complaint-free store award {s['award_yuan']} 元 yuan" for s in store_awards
    ]
    return {"penalties": penalties, "awards": awards, "store_awards": store_awards, "lines": lines}


ACCOUNTABILITY_PERIOD = HandlerDeclaration(
    zh="是否为本月第一个工作日; 考核的月份和年份",
    en="Whether today is the month's first working day, and the month and year reviewed",
    parameters=(Parameter("now", "string", True, "当前时间 (ISO 8601)", "the current time (ISO 8601)"),),
    result=("first_working_day", "today", "month", "year"),
)
ACCOUNTABILITY_PROPOSALS = HandlerDeclaration(
    zh="按月度有效投诉次数提出处罚建议; 委屈奖与零投诉门店奖",
    en="Penalty proposals from each employee's valid complaints of the month; grievance and store awards",
    parameters=(
        Parameter("valid", "object", True, "员工 → 当月有效投诉次数", "employee → valid complaints of the month"),
        Parameter(
            "patient",
            "object",
            False,
            "员工 → 耐心处理的不合理投诉次数",
            "employee → unreasonable complaints handled patiently",
        ),
        Parameter(
            "clean_stores", "array", False, "全年零投诉门店 (排名)", "stores without a complaint all year, ranked"
        ),
    ),
    result=("penalties", "awards", "store_awards", "lines"),
)

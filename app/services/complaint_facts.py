"""The complaint facts a report counts, written when a ``complaint_handling`` case is saved.

``instances.save`` calls ``refresh`` in the instance's transaction, after the timers are synced,
so the row always agrees with the case: reports (``services/reports``) then GROUP BY this table.
What each column means, from the case's variables and its timer rows:

- ``received_at`` the intake time (``received_at`` variable), ``received_month`` its month in
  business time; ``closed_at`` when the instance completed, ``hours_to_close`` the difference;
- ``subject``, ``severity_level``, ``channel``, ``department`` (``routing.responsible_group``),
  ``outcome``, ``reopened_count`` (``reopen_count``), ``satisfaction`` (1-5, the follow-up visit);
- ``secondary``: the case became a secondary complaint (a second contact, or not contacted in 12 h);
- ``attitude_complaint``: the customer complained about staff attitude at a follow-up visit (rule 3.6);
- ``sla_<rule>``: ``missed`` once the rule's breach timer fired, ``met`` when the timer was
  cancelled because the step was done in time (a terminated case meets nothing), else NULL (the
  rule did not apply, or is still running); the quality department's 1-day investigation report
  and the quality complaint's 24 h count only for the department and subject they name;
  ``overdue``: any rule missed;
- ``product_name``, ``batch_number`` from the intake's product; ``responsible_employee`` the
  employee a valid complaint's responsibility finding names (``responsibility.finding_values``),
  for repeated offenders (an unreasonable complaint's employee is no offender);
- ``corrective_action``, ``preventive_action``: the improvement actions recorded at the archiving;
- ``production_date``, ``plant``, ``problem``, ``chilled`` from the intake's product and
  ``complainant_phone``: what batch detection compares (rule 3.7, ``services/batch_complaints``,
  which also writes ``batch_id``); ``rings`` the rings before a phone intake was answered (rule 2.9).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import clock
from app.models import ComplaintFact, ProcessInstance, TimerRecord
from app.models.reports import SLA_RULES
from app.services import complaint_rollups, responsibility
from handlers.sla import QUALITY_SUBJECT

PROCESS_KEY = "complaint_handling"
OPEN_STATUSES = ("running", "suspended", "error")
# the breach timer of each rated time limit (docs/complaint_handling.md, "Time limits")
BREACH_TIMERS = {
    "Timer_ContactBreach": "contact",
    "Timer_FirstReplyBreach": "first_reply",
    "Timer_SiteVisitBreach": "site_visit",
    "Timer_HandlingBreach": "handling",
    "Timer_UnresolvedBreach": "unresolved",
    "Timer_FollowUpBreach": "follow_up",
    "Timer_InvestigationReport": "investigation_report",
    "Timer_PromiseBreach": "promise",
    "Timer_QualityBreach": "quality",
}
# limits whose timer also runs where the limit does not apply (it then waits a month and its path
# just ends): rated only for the cases the rule names
LIMIT_APPLIES: dict[str, Callable[[dict[str, Any]], bool]] = {
    "investigation_report": lambda columns: columns["department"] == QUALITY_DEPARTMENT,  # rule 1.5
    "quality": lambda columns: columns["subject"] == QUALITY_SUBJECT,  # rule 3.1
}
QUALITY_DEPARTMENT = "quality"
SECONDARY_REASONS = ("secondary_complaint", "not_contacted_within_12h")


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object, length: int) -> str | None:
    return value[:length] if isinstance(value, str) and value else None


def _moment(value: object, fallback: datetime) -> datetime:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return fallback
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=clock.business_tz)
    return fallback


def _day(value: object) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _rings(data: dict[str, Any]) -> int | None:
    rings = data.get("rings")
    phone = data.get("channel") == "phone"
    return rings if phone and isinstance(rings, int) and not isinstance(rings, bool) and rings > 0 else None


def _satisfaction(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5 else None


def _is_secondary(data: dict[str, Any]) -> bool:
    reasons = _mapping(data.get("severity")).get("reasons") or []
    contacts = data.get("contact_count")
    return any(_mapping(r).get("criterion") in SECONDARY_REASONS for r in reasons) or (
        isinstance(contacts, int) and contacts >= 2
    )


def _offender(data: dict[str, Any]) -> str | None:
    finding = responsibility.finding_values(data)
    return finding["employee"] if finding is not None and finding["valid"] else None


def variable_columns(model: ProcessInstance) -> dict[str, Any]:
    """The columns read from the case's variables and status."""
    data = _mapping(model.variables)
    product = _mapping(data.get("product"))
    received = _moment(data.get("received_at"), model.created_at)
    closed = model.ended_at if model.status == "completed" else None
    reopened = data.get("reopen_count")
    return {
        "registration_number": model.business_key,
        "received_at": received,
        "received_month": received.astimezone(clock.business_tz).strftime("%Y-%m"),
        "closed_at": closed,
        "hours_to_close": round((closed - received).total_seconds() / 3600, 4) if closed else None,
        "status": model.status,
        "is_open": model.status in OPEN_STATUSES,
        "outcome": _text(data.get("outcome"), 40),
        "subject": _text(data.get("subject"), 40),
        "severity_level": model.severity_level,
        "channel": _text(data.get("channel"), 20),
        "department": _text(_mapping(data.get("routing")).get("responsible_group"), 64),
        "reopened_count": reopened if isinstance(reopened, int) and reopened > 0 else 0,
        "satisfaction": _satisfaction(data.get("satisfaction")),
        "secondary": _is_secondary(data),
        "attitude_complaint": data.get("attitude_complaint") is True,
        "product_name": _text(product.get("name"), 200),
        "batch_number": _text(product.get("batch_number"), 100),
        "responsible_employee": _offender(data),
        "corrective_action": _text(data.get("corrective_action"), 4000),
        "preventive_action": _text(data.get("preventive_action"), 4000),
        "production_date": _day(product.get("production_date")),
        "plant": _text(product.get("plant"), 100),
        "problem": _text(product.get("problem"), 40),
        "chilled": product.get("chilled") is True,
        "complainant_phone": _text(_mapping(data.get("complainant")).get("phone"), 20),
        "rings": _rings(data),
    }


def sla_outcomes(timer_rows: list[tuple[str, str]], status: str, columns: dict[str, Any]) -> dict[str, str | None]:
    """``sla_<rule>`` from the case's breach timer rows ``(element_id, status)``; a limit of
    ``LIMIT_APPLIES`` counts only when the case's ``columns`` (subject, department) name it."""
    outcomes: dict[str, str | None] = {rule: None for rule in SLA_RULES}
    for element_id, timer_status in timer_rows:
        rule = BREACH_TIMERS.get(element_id)
        if rule is None or (rule in LIMIT_APPLIES and not LIMIT_APPLIES[rule](columns)):
            continue
        if timer_status == "fired":
            outcomes[rule] = "missed"
        elif timer_status == "cancelled" and status != "terminated" and outcomes[rule] is None:
            outcomes[rule] = "met"
    return {f"sla_{rule}": outcome for rule, outcome in outcomes.items()}


def refresh(session: Session, model: ProcessInstance) -> None:
    """Write the case's facts row and move its counts in the month rollups (complaint cases only;
    part of every save)."""
    if model.process_key != PROCESS_KEY:
        return
    timer_rows = session.execute(
        select(TimerRecord.element_id, TimerRecord.status).where(
            TimerRecord.instance_id == model.id, TimerRecord.element_id.in_(BREACH_TIMERS)
        )
    ).all()
    columns = variable_columns(model)
    columns |= sla_outcomes([(e, s) for e, s in timer_rows], model.status, columns)
    columns["overdue"] = "missed" in columns.values()
    fact = session.get(ComplaintFact, model.id)
    complaint_rollups.apply(session, complaint_rollups.columns_of(fact) if fact else None, columns)
    if fact is None:
        session.add(ComplaintFact(instance_id=model.id, **columns))
        return
    for column, value in columns.items():
        if getattr(fact, column) != value:
            setattr(fact, column, value)


def backfill_missing(session: Session, batch: int = 500) -> int:
    """Write the facts of complaint cases that have none (cases saved before migration 0024);
    flushes each batch and returns how many rows it wrote. ``flask setup`` runs it."""
    written, last = 0, 0
    while True:
        cases = list(
            session.scalars(
                select(ProcessInstance)
                .outerjoin(ComplaintFact, ComplaintFact.instance_id == ProcessInstance.id)
                .where(
                    ProcessInstance.process_key == PROCESS_KEY,
                    ComplaintFact.instance_id.is_(None),
                    ProcessInstance.id > last,
                )
                .order_by(ProcessInstance.id)
                .limit(batch)
            )
        )
        if not cases:
            return written
        for model in cases:
            refresh(session, model)
        session.flush()
        written += len(cases)
        last = cases[-1].id

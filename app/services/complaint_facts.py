"""The complaint facts a report counts, written when a ``complaint_handling`` case is saved.

``instances.save`` calls ``refresh`` in the instance's transaction, after the timers are synced,
so the row always agrees with the case: reports (``services/reports``) then GROUP BY this table.
What each column means, from the case's variables and its timer rows:

- ``received_at`` the intake time (``received_at`` variable), ``received_month`` its month in
  business time; ``closed_at`` when the instance completed, ``hours_to_close`` the difference;
- ``subject``, ``severity_level``, ``channel``, ``department`` (``routing.responsible_group``),
  ``outcome``, ``reopened_count`` (``reopen_count``), ``satisfaction`` (1-5, the follow-up visit);
- ``secondary``: the case became a secondary complaint (a second contact, or not contacted in 12 h);
- ``sla_<rule>``: ``missed`` once the rule's breach timer fired, ``met`` when the timer was
  cancelled because the step was done in time (a terminated case meets nothing), else NULL (the
  rule did not apply, or is still running); ``overdue``: any rule missed;
- ``product_name``, ``batch_number`` from the intake's product; ``responsible_employee`` the
  employee a valid complaint's responsibility finding names (``responsibility.finding_values``),
  for repeated offenders (an unreasonable complaint's employee is no offender);
- ``corrective_action``, ``preventive_action``: the improvement actions recorded at the archiving.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.clock import clock
from app.models import ComplaintFact, ProcessInstance, TimerRecord
from app.models.reports import SLA_RULES
from app.services import responsibility

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
}
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
        "product_name": _text(product.get("name"), 200),
        "batch_number": _text(product.get("batch_number"), 100),
        "responsible_employee": _offender(data),
        "corrective_action": _text(data.get("corrective_action"), 4000),
        "preventive_action": _text(data.get("preventive_action"), 4000),
    }


def sla_outcomes(timer_rows: list[tuple[str, str]], status: str) -> dict[str, str | None]:
    """``sla_<rule>`` from the case's breach timer rows ``(element_id, status)``."""
    outcomes: dict[str, str | None] = {rule: None for rule in SLA_RULES}
    for element_id, timer_status in timer_rows:
        rule = BREACH_TIMERS.get(element_id)
        if rule is None:
            continue
        if timer_status == "fired":
            outcomes[rule] = "missed"
        elif timer_status == "cancelled" and status != "terminated" and outcomes[rule] is None:
            outcomes[rule] = "met"
    return {f"sla_{rule}": outcome for rule, outcome in outcomes.items()}


def refresh(session: Session, model: ProcessInstance) -> None:
    """Write the case's facts row (complaint cases only; part of every save)."""
    if model.process_key != PROCESS_KEY:
        return
    timer_rows = session.execute(
        select(TimerRecord.element_id, TimerRecord.status).where(
            TimerRecord.instance_id == model.id, TimerRecord.element_id.in_(BREACH_TIMERS)
        )
    ).all()
    columns = variable_columns(model) | sla_outcomes([(e, s) for e, s in timer_rows], model.status)
    columns["overdue"] = "missed" in columns.values()
    fact = session.get(ComplaintFact, model.id)
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

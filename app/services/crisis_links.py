"""A complaint that starts the crisis procedure: the ``start_crisis`` operation (rules 3.6, 4.1).

``complaint_handling`` asks for a crisis with a ``start_crisis`` service task: a level-A
complaint, or a level-B one whose customer threatens the media (emergency level 1 or 2), and a
complaint about staff attitude at the follow-up visit (level 3, crisis monitoring). The crisis
is a SEPARATE ``crisis_response`` instance, started in the complaint's transaction (both are
kept, or neither), and linked to the complaint (``InstanceLink``); the complaint goes on
without waiting for it. Only the named inputs go into the crisis's start record and nothing
comes back, so the crisis's own data (``responsibility``, ``implemented_on``, ...) never
touches the complaint's (a call activity in SpiffWorkflow 3.2 would copy all data both ways,
and would hold the complaint for the weeks a crisis can last).

A complaint has at most one open crisis per reason: asking again while it runs (a reopened
case at its next follow-up visit) adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from app.errors import Conflict
from app.models import InstanceLink, ProcessDefinition, ProcessInstance
from app.services import audit
from handlers.catalogue import HandlerDeclaration, Parameter

OPERATION = "start_crisis"
CRISIS_KEY = "crisis_response"
REASONS = ("complaint_level", "attitude_complaint", "batch_recall")
OPEN_STATUSES = ("running", "suspended", "error")
# the start record fields of forms/crisis_response.start.json the operation fills, and their length limit
_TEXT_LIMITS = {"summary": 2000, "source_case": 64, "customer": 200}

START_CRISIS = HandlerDeclaration(
    zh="启动关联的危机与应急响应流程 (crisis_response),投诉继续处理",
    en="Start a linked crisis and emergency response (crisis_response); the complaint goes on",
    parameters=(
        Parameter("reason", "string", True, f"原因: {', '.join(REASONS)}", f"why: {', '.join(REASONS)}"),
        Parameter("summary", "string", True, "事件概述", "what happened"),
        Parameter("source_case", "string", True, "投诉编号", "the complaint's registration number"),
        Parameter("customer", "string", False, "客户", "the customer"),
        Parameter("complaint_level", "string", False, "投诉级别 A-E", "complaint level A-E"),
        Parameter("emergency_level", "string", False, "应急级别 1/2/3", "emergency level 1, 2 or 3"),
    ),
    result=("queued",),
)

Starter = Callable[[dict[str, Any]], ProcessInstance]


@dataclass(frozen=True)
class LinkedCase:
    """One end of a link as a case page shows it: the other case and why they are linked."""

    instance_id: int
    business_key: str | None
    process_key: str
    status: str
    reason: str
    role: str  # "crisis": the case started it; "source": it was started from the case

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def crisis_record(params: dict[str, Any]) -> dict[str, Any]:
    """The crisis's start record from the operation's parameters: only the named fields, texts
    cut to the start form's limits, absent ones left out."""
    record: dict[str, Any] = {}
    for name, limit in _TEXT_LIMITS.items():
        value = params.get(name)
        if isinstance(value, str) and value.strip():
            record[name] = value.strip()[:limit]
    if params.get("complaint_level") in ("A", "B", "C", "D", "E"):
        record["complaint_level"] = params["complaint_level"]
    if str(params.get("emergency_level") or "") in ("1", "2", "3"):
        record["emergency_level"] = str(params["emergency_level"])
    record.setdefault("summary", record.get("source_case") or "-")
    return record


def apply_effect(
    session: Session, model: ProcessInstance, effect: dict[str, Any], start: Starter, actor: str | None
) -> None:
    """Start the crisis ``effect`` asks for, with ``start`` (the crisis's start record ->
    the started instance), and link it to ``model``; nothing when an open crisis for the same
    reason is already linked."""
    params = effect.get("params") or {}
    reason = params.get("reason")
    if reason not in REASONS:
        raise Conflict(f"start_crisis: unknown reason {reason!r}", code="invalid_crisis_reason")
    if _open_crisis(session, model.id, reason) is not None:
        return
    if session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == CRISIS_KEY).limit(1)) is None:
        raise Conflict(
            f"the complaint asks for a crisis but '{CRISIS_KEY}' is not deployed", code="crisis_not_deployed"
        )
    crisis = start(crisis_record(params))
    session.add(
        InstanceLink(source_id=model.id, target_id=crisis.id, reason=reason, element_id=effect.get("element_id"))
    )
    detail = {"reason": reason, "crisis": crisis.business_key, "crisis_id": crisis.id}
    audit.record(
        session, "crisis_started", instance_id=model.id, actor=actor, element_id=effect.get("element_id"), detail=detail
    )


def _open_crisis(session: Session, source_id: int, reason: str) -> int | None:
    return session.scalar(
        select(InstanceLink.target_id)
        .join(ProcessInstance, ProcessInstance.id == InstanceLink.target_id)
        .where(
            InstanceLink.source_id == source_id,
            InstanceLink.reason == reason,
            ProcessInstance.status.in_(OPEN_STATUSES),
        )
        .limit(1)
    )


def linked_cases(session: Session, instance_id: int) -> list[LinkedCase]:
    """The crises the case started and the case it was started from, oldest link first."""
    other = aliased(ProcessInstance)
    found: list[tuple[int, LinkedCase]] = []
    for column, role in ((InstanceLink.source_id, "crisis"), (InstanceLink.target_id, "source")):
        far = InstanceLink.target_id if role == "crisis" else InstanceLink.source_id
        rows = session.execute(
            select(InstanceLink.id, InstanceLink.reason, other.id, other.business_key, other.process_key, other.status)
            .join(other, other.id == far)
            .where(column == instance_id)
        )
        found.extend(
            (link_id, LinkedCase(oid, key, process_key, status, reason, role))
            for link_id, reason, oid, key, process_key, status in rows
        )
    return [case for _, case in sorted(found, key=lambda pair: pair[0])]

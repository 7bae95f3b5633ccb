"""Batch complaints (shared/domain.md §3, rule 3.7): detection at registration, the link, the recall.

``complaint_handling`` calls the built-in operation ``check_batch`` right after registration
(``Service_BatchCheck``); the save path applies it once the case's facts row is written. ONE
indexed query over ``complaint_facts`` counts the complaints of the same product and problem
received in the last ``WINDOW_DAYS`` days (open or closed; not terminated, not invalid), per
criterion of ``THRESHOLDS``. When a criterion is reached, its complaints are linked as one batch
(``complaint_batches``; a complaint already in a batch brings the newcomers into it), each linked
open complaint below level C is raised to C (criterion ``batch_complaint``) and the level's people
told, and a new batch starts one ``batch_review`` case: the quality department decides the recall.
That case calls ``decide_recall``: a recall raises every linked open complaint to level A
(criterion ``recalled`` of the severity table, rule 3.4) and starts ``crisis_response`` at
emergency level 1.

A linked case that someone else changed meanwhile (optimistic lock) is reloaded and raised once
more; if it changed again, the raise is recorded (audit ``batch_raise_deferred``) and not lost:
the case stays linked, and the next complaint of the batch or the recall raises it
(``raise_batch`` raises every open complaint of the batch still below its level).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, false, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.clock import utcnow
from app.engine import StepResult
from app.errors import Conflict, Invalid
from app.models import ComplaintBatch, ComplaintFact, ProcessInstance
from app.runtime import Runtime
from app.services import audit, complaints, crisis_links, instances
from app.services.batch_rules import BATCH_REASON, THRESHOLDS, WINDOW_DAYS, threshold_reached
from app.services.deployments import latest_definition

log = logging.getLogger(__name__)
F = ComplaintFact
REVIEW_PROCESS = "batch_review"
OPEN_STATUSES = ("running", "error", "suspended")


def _conditions(fact: ComplaintFact) -> dict[str, ColumnElement[bool]]:
    """Per criterion, which facts share it with ``fact`` (same product and problem assumed)."""
    day = fact.production_date
    same_batch = F.batch_number == fact.batch_number if fact.batch_number else false()
    same_day = F.production_date == day if day else false()
    near = F.production_date.between(day - timedelta(days=1), day + timedelta(days=1)) if day else false()
    same_plant = F.plant == fact.plant if fact.plant else false()
    return {
        "same_batch": same_batch,
        "plant_date": and_(same_plant, same_day),
        "adjacent_dates": and_(same_plant, near),
        "consumers": same_day,
    }


def _comparable(fact: ComplaintFact) -> ColumnElement[bool]:
    """The complaints counted for ``fact``: same product and problem, in the window, not void."""
    return and_(
        F.product_name == fact.product_name,
        F.problem == fact.problem,
        F.received_at >= utcnow() - timedelta(days=WINDOW_DAYS),
        F.status != "terminated",
        or_(F.outcome.is_(None), F.outcome != "invalid"),
    )


def detection_query(fact: ComplaintFact) -> Select[Any]:
    """The one statement that counts each criterion for ``fact`` (``counts``)."""
    conditions = _conditions(fact)
    figures = [func.coalesce(func.sum(case((c, 1), else_=0)), 0).label(k) for k, c in conditions.items()]
    figures[-1] = func.count(distinct(case((conditions["consumers"], F.complainant_phone)))).label("consumers")
    return select(*figures).where(
        _comparable(fact), or_(conditions["same_batch"], conditions["adjacent_dates"], conditions["consumers"])
    )


def counts(session: Session, fact: ComplaintFact) -> dict[str, int]:
    """How many complaints meet each criterion with ``fact`` (itself included): one query on
    the indexes (product, problem, batch number / plant, production date)."""
    row = session.execute(detection_query(fact)).one()
    return {kind: int(row._mapping[kind]) for kind in THRESHOLDS}


def check(rt: Runtime, session: Session, model: ProcessInstance, actor: str | None) -> ComplaintBatch | None:
    """The ``check_batch`` operation for the case just registered: link and raise if a
    criterion is reached; returns the batch (None: no criterion reached)."""
    fact = session.get(ComplaintFact, model.id)
    if fact is None or not (fact.product_name and fact.problem):
        return None
    kind = threshold_reached(counts(session, fact), fact.chilled)
    if kind is None:
        return None
    members = list(
        session.execute(
            select(F.instance_id, F.batch_id).where(_comparable(fact), _conditions(fact)[kind]).order_by(F.instance_id)
        )
    )
    batch_id = min((b for _, b in members if b is not None), default=None)
    existing = session.get(ComplaintBatch, batch_id) if batch_id is not None else None
    batch = existing or _new_batch(session, fact, kind)
    joining = [i for i, b in members if b is None]  # a complaint of another batch stays in it
    session.execute(update(F).where(F.instance_id.in_(joining)).values(batch_id=batch.id))
    batch.case_count = session.scalar(select(func.count(F.instance_id)).where(F.batch_id == batch.id)) or 0
    audit.record(
        session,
        "batch_linked",
        instance_id=model.id,
        actor=actor,
        detail={"batch_id": batch.id, "kind": batch.kind, "joined": len(joining), "cases": batch.case_count},
    )
    raise_batch(rt, session, batch, actor)
    if batch.review_instance_id is None and _deployed(session, REVIEW_PROCESS):
        review = instances.start(rt, session, REVIEW_PROCESS, review_variables(session, batch), None, system=True)
        batch.review_instance_id = review.id
    session.flush()
    return batch


def _deployed(session: Session, process_key: str) -> bool:
    """Whether ``process_key`` is deployed (``flask setup`` deploys both; a database without
    them links and raises, and says in the log what it could not start)."""
    if latest_definition(session, process_key) is not None:
        return True
    log.warning("batch complaints: %s is not deployed, not started", process_key)
    return False


def _new_batch(session: Session, fact: ComplaintFact, kind: str) -> ComplaintBatch:
    batch = ComplaintBatch(
        kind=kind,
        product_name=fact.product_name,
        problem=fact.problem,
        batch_number=fact.batch_number if kind == "same_batch" else None,
        plant=fact.plant if kind in ("plant_date", "adjacent_dates") else None,
        production_date=fact.production_date if kind != "same_batch" else None,
        chilled=fact.chilled,
        case_count=0,
        created_at=utcnow(),
    )
    session.add(batch)
    session.flush()
    return batch


def review_variables(session: Session, batch: ComplaintBatch) -> dict[str, Any]:
    """The start record of the batch's ``batch_review`` case."""
    numbers = session.scalars(
        select(F.registration_number).where(F.batch_id == batch.id).order_by(F.instance_id).limit(200)
    )
    return {
        "batch_id": batch.id,
        "kind": batch.kind,
        "product_name": batch.product_name,
        "problem": batch.problem,
        **({"batch_number": batch.batch_number} if batch.batch_number else {}),
        **({"plant": batch.plant} if batch.plant else {}),
        **({"production_date": batch.production_date.isoformat()} if batch.production_date else {}),
        "chilled": batch.chilled,
        "case_count": batch.case_count,
        "cases": [n for n in numbers if n],
    }


def decide_recall(
    rt: Runtime, session: Session, review: ProcessInstance, effect: dict[str, Any], actor: str | None
) -> None:
    """The ``decide_recall`` operation of the batch's ``review`` case: record the decision; a
    recall raises every linked open complaint to level A and starts a level-1 ``crisis_response``
    linked to the review (``crisis_links``, reason ``batch_recall``)."""
    params = effect.get("params") or {}
    batch_id = params.get("batch_id")
    batch = session.get(ComplaintBatch, batch_id) if isinstance(batch_id, int) else None
    if batch is None:
        raise Invalid(f"no batch {batch_id!r}", code="unknown_batch", details=[{"field": "batch_id"}])
    if batch.recall_decided is not None:
        raise Conflict(f"the recall of batch {batch.id} was already decided", code="recall_decided")
    batch.recall_decided = params.get("recall") is True
    batch.recall_decided_at = utcnow()
    if not batch.recall_decided:
        return
    raise_batch(rt, session, batch, actor)
    if not _deployed(session, crisis_links.CRISIS_KEY):
        return
    summary = (
        f"批量性投诉召回 Recall after batch complaint #{batch.id}: {batch.product_name}, "
        f"{batch.problem}, {batch.case_count} complaints"
    )
    crisis = {
        "reason": "batch_recall",
        "summary": summary,
        "source_case": review.business_key or f"#{review.id}",
        "complaint_level": "A",
        "emergency_level": "1",
    }
    crisis_links.apply_effect(
        session,
        review,
        {"params": crisis, "element_id": effect.get("element_id")},
        lambda record: instances.start(rt, session, crisis_links.CRISIS_KEY, record, None, system=True),
        actor,
    )


def raise_batch(rt: Runtime, session: Session, batch: ComplaintBatch, actor: str | None) -> None:
    """Raise every open complaint of the batch still below its level: C, or A once the recall is
    decided (so a raise deferred earlier, or a complaint joining a recalled batch, is raised now)."""
    recall = batch.recall_decided is True
    below = ("E", "D", "C", "B") if recall else ("E", "D")
    linked = session.scalars(
        select(F.instance_id)
        .where(F.batch_id == batch.id, F.is_open.is_(True), F.severity_level.in_(below))
        .order_by(F.instance_id)
    )
    for instance_id in list(linked):
        raise_linked(rt, session, instance_id, batch, actor, recall=recall)


def raise_linked(
    rt: Runtime, session: Session, instance_id: int, batch: ComplaintBatch, actor: str | None, *, recall: bool
) -> None:
    """Raise one linked complaint (to C for the batch, to A for a recall) through the one save
    path; retried once on a concurrent change, then recorded (see the module docstring)."""
    wanted = "A" if recall else "C"
    for _attempt in range(2):
        model = session.get(ProcessInstance, instance_id)
        if model is None or model.status not in OPEN_STATUSES:
            return
        if complaints.level_rank(model.severity_level) >= complaints.level_rank(wanted):
            return
        try:
            with session.begin_nested():
                _raise_once(rt, session, model, batch, actor, recall=recall)
            return
        except (Conflict, StaleDataError):  # the lock refused a stale copy (at a flush or an autoflush)
            session.expire(model)
    audit.record(
        session,
        "batch_raise_deferred",
        instance_id=instance_id,
        actor=actor,
        detail={"batch_id": batch.id, "to": wanted},
    )


def _raise_once(
    rt: Runtime, session: Session, model: ProcessInstance, batch: ComplaintBatch, actor: str | None, *, recall: bool
) -> None:
    inst = instances.load(rt, model)
    changes: dict[str, Any] = {"recalled": True} if recall else {}
    why_zh, why_en = ("批次召回", "batch recalled") if recall else ("批量性投诉", "batch complaint")

    def notice(old_level: str, new: dict[str, Any], criteria: list[str]) -> complaints.Notice:
        return complaints.Notice(
            title=f"{model.business_key}: {why_zh} 投诉升级 Escalated {old_level} → {new['level']} ({why_en})",
            message=f"{why_zh}(第 {batch.id} 批, {batch.case_count} 件) {why_en.capitalize()} "
            f"#{batch.id}, {batch.case_count} complaints: {batch.product_name} ({', '.join(criteria)}).",
            code="batch_escalated",
            params={"batch_id": batch.id, "recall": recall},
        )

    # the reasons found outside the severity table (a missed time limit, ...) stay with the batch's
    held = (inst.variables().get("severity") or {}).get("reasons") or []
    kept = [r for r in held if isinstance(r, dict) and r.get("criterion") != "general_complaint"]
    complaints.escalate(rt, session, model, inst, changes, actor, notice, kept=[*kept, BATCH_REASON])
    inst.set_variables(changes)
    instances.save(rt, session, model, inst, StepResult(completed=inst.completed), actor)


def apply_effect(
    rt: Runtime, session: Session, model: ProcessInstance, effect: dict[str, Any], actor: str | None
) -> None:
    """Apply a queued ``check_batch`` or ``decide_recall`` (``instances.save``, after the facts)."""
    if effect["operation"] == "check_batch":
        check(rt, session, model, actor)
    else:
        decide_recall(rt, session, model, effect, actor)


def batch_of(session: Session, instance_id: int) -> dict[str, Any] | None:
    """The batch a complaint is linked to, for its page and its API payload (None: none)."""
    batch = session.scalar(
        select(ComplaintBatch).join(F, F.batch_id == ComplaintBatch.id).where(F.instance_id == instance_id)
    )
    if batch is None:
        return None
    return {
        "id": batch.id,
        "kind": batch.kind,
        "product_name": batch.product_name,
        "problem": batch.problem,
        "batch_number": batch.batch_number,
        "plant": batch.plant,
        "production_date": batch.production_date.isoformat() if batch.production_date else None,
        "case_count": batch.case_count,
        "review_instance_id": batch.review_instance_id,
        "recall_decided": batch.recall_decided,
    }

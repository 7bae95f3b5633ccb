"""Complaint-specific operations that happen outside the diagram: a customer calling again.

A repeat contact counts toward the secondary-complaint rule (2 contacts → level D) and the
"called 3 or more times" rule (→ level C) of shared/domain.md §3: the severity is
recomputed with the same decision table (of the instance's version) and handler the diagram
uses at intake; when the level rises the new level's responsible and informed people are
notified.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.engine import DecisionFailed, Instance, StepResult
from app.errors import Conflict, Invalid, NotFound
from app.models import ProcessInstance
from app.runtime import Runtime
from app.services import audit, instances, notifications

log = logging.getLogger(__name__)

COMPLAINT_PROCESS = "complaint_handling"
SEVERITY_DECISION = "severity_criteria"
LEVELS = "EDCBA"  # least to most severe
CHANNELS = ("phone", "email", "online", "walk_in", "letter", "third_party")


def record_repeat_contact(
    rt: Runtime, session: Session, model: ProcessInstance, actor: str, *, note: str, channel: str
) -> dict[str, Any]:
    """Count one more contact from the customer; escalate the severity if a rule now applies.

    Only complaints count contacts (404 for any other process, from the API and the pages alike)."""
    if not is_complaint(model):
        raise NotFound("only complaints record repeat contacts", code="not_a_complaint")
    if model.status not in ("running", "error", "suspended"):
        raise Conflict(f"the complaint is {model.status}", code="instance_state")
    if channel not in CHANNELS:
        raise Invalid(
            "unknown channel",
            code="invalid_data",
            details=[{"field": "channel", "message": f"one of {', '.join(CHANNELS)}"}],
        )
    if not isinstance(note, str) or len(note) > 2000:
        raise Invalid(
            "note must be text of at most 2000 characters",
            code="invalid_data",
            details=[{"field": "note", "message": "at most 2000 characters"}],
        )
    inst = instances.load(rt, model)
    variables = inst.variables()
    count = int(variables.get("contact_count") or 1) + 1
    contacts = [
        *list(variables.get("contacts") or []),
        {"at": _now_iso(), "by": actor, "channel": channel, "note": note},
    ]
    changes: dict[str, Any] = {"contact_count": count, "contacts": contacts}
    audit.record(
        session,
        "repeat_contact",
        instance_id=model.id,
        actor=actor,
        detail={"contact_count": count, "channel": channel, "note": note},
    )
    old = variables.get("severity") or {}

    def notice(old_level: str, new: dict[str, Any], criteria: list[str]) -> Notice:
        return Notice(
            title=f"{model.business_key}: 投诉升级 Escalated {old_level} → {new['level']}",
            message=f"客户第 {count} 次来电 The customer contacted us {count} times ({', '.join(criteria)}).",
            code="severity_escalated",
            params={"contact_count": count},
        )

    escalate(rt, session, model, inst, changes, actor, notice)
    inst.set_variables(changes)
    instances.save(rt, session, model, inst, StepResult(completed=inst.completed), actor)
    return {"contact_count": count, "severity": changes.get("severity", old)}


@dataclass(frozen=True)
class Notice:
    """What the people of the new level are told when a case's severity rises (``params`` are
    added to the business key, the levels and the criteria)."""

    title: str
    message: str
    code: str
    params: dict[str, Any]


def escalate(
    rt: Runtime,
    session: Session,
    model: ProcessInstance,
    inst: Instance,
    changes: dict[str, Any],
    actor: str | None,
    notice: Callable[[str, dict[str, Any], list[str]], Notice],
    *,
    kept: Sequence[dict[str, Any]] = (),
) -> dict[str, Any] | None:
    """Raise the case's severity if the severity table of its version, given ``changes`` and
    the ``kept`` reasons (criteria found outside the table, e.g. a batch), now gives a higher
    level: ``changes["severity"]`` is set, the raise audited (``severity_escalated``) and the new
    level's responsible and informed people notified. Returns the new severity (None: the level
    did not rise). The caller sets ``changes`` on ``inst`` and saves."""
    variables = inst.variables()
    old = variables.get("severity") or {}
    new = _reclassify({**variables, **changes}, rt, inst, kept)
    if new is None or level_rank(new.get("level")) <= level_rank(old.get("level")):
        return None
    changes["severity"] = new
    audit.record(
        session,
        "severity_escalated",
        instance_id=model.id,
        actor=actor,
        detail={"from": old.get("level"), "to": new["level"], "reasons": new.get("reasons", [])},
    )
    criteria = [str(r.get("criterion", "")) for r in new.get("reasons", [])]
    old_level = old.get("level", "?")
    told = notice(old_level, new, criteria)
    notifications.notify(
        session,
        model,
        groups=[*new.get("responsible", []), *new.get("informed", [])],
        kind="escalation",
        title=told.title,
        message=told.message,
        code=told.code,
        params={
            "business_key": model.business_key,
            "from": old_level,
            "to": new["level"],
            **told.params,
            "reasons": criteria,
        },
    )
    return new


def is_complaint(model: ProcessInstance) -> bool:
    """Whether the instance is a complaint (the process that has severity levels and contacts)."""
    return model.process_key == COMPLAINT_PROCESS


def level_rank(level: Any) -> int:
    """0 for level E up to 4 for level A (-1: no level)."""
    return LEVELS.index(level) if isinstance(level, str) and level in LEVELS else -1


def _reclassify(
    variables: dict[str, Any], rt: Runtime, inst: Instance, kept: Sequence[dict[str, Any]] = ()
) -> dict[str, Any] | None:
    """The severity the intake rules give with the new facts (and the ``kept`` reasons), or None
    if the version has no severity table (or it cannot decide: the case keeps its level, the log
    says why)."""
    assemble = rt.engine.handlers.get("severity_from_criteria")
    try:
        criteria = inst.decide(SEVERITY_DECISION, variables)
        if assemble is None or criteria is None:
            return None
        reasons = [*criteria.get("severity_reasons", [])]
        reasons += [r for r in kept if r not in reasons]
        return assemble({**variables, "reasons": reasons})
    except (DecisionFailed, ValueError) as exc:
        log.warning("severity not recomputed: %s", exc)
        return None


def _now_iso() -> str:
    from app.clock import utcnow

    return utcnow().isoformat()

"""Starting, saving and administering process instances."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, defer
from sqlalchemy.orm.exc import StaleDataError

from app.clock import utcnow
from app.engine import EngineIncident, Instance, StepResult
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.models import Attachment, Incident, ProcessInstance, User
from app.runtime import Runtime
from app.services import (
    attachments,
    audit,
    complaint_facts,
    confidential,
    conflicts,
    crisis_links,
    fact_requests,
    instance_search,
    notifications,
    process_rights,
    responsibility,
    task_rows,
    timers,
)
from app.services.deployments import latest_definition
from app.services.forms import validate_against
from app.services.visibility import may_view

BUSINESS_KEY_VARIABLE = "registration_number"


def _json_safe(value: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(json.dumps(value, default=str))
    return result


def business_key_for(prefix: str, model: ProcessInstance) -> str:
    """Registration number: prefix, date of intake, and the instance id (unique by construction)."""
    return f"{prefix}{model.created_at:%Y%m%d}-{model.id:06d}"


def start(
    rt: Runtime,
    session: Session,
    process_key: str,
    variables: dict[str, Any],
    actor: str | None,
    *,
    system: bool = False,
) -> ProcessInstance:
    """Check that ``actor`` may start the process (403; ``system`` starts, e.g. by a timer, may),
    validate the start record, create the instance and run it to its first wait."""
    definition = latest_definition(session, process_key)
    assert definition is not None
    if not system:
        process_rights.require_start_right(session, definition, actor)
    start_form = rt.forms.of(session, definition).start_schema(process_key)
    evidence: list[Attachment] = []
    if start_form is not None:
        validate_against(start_form, variables)
        evidence = attachments.check_form_fields(session, start_form, variables, instance_id=None, actor=actor)
    involved = conflicts.involvement(session, start_form, variables)  # 422 before anything is written
    model = ProcessInstance(
        definition=definition,
        definition_id=definition.id,
        process_key=definition.key,
        version=definition.version,
        called_versions=definition.called_versions,
        status="running",
        started_by=actor,
        created_at=utcnow(),
        confidential=definition.confidential,
    )
    session.add(model)
    session.flush()
    prefix = (start_form or {}).get("x-business-key-prefix") or process_key[:2].upper()
    model.business_key = business_key_for(prefix, model)
    conflicts.record(session, model, involved)
    if start_form is not None:
        # every field of the start record exists in the data, so diagram expressions can read
        # optional ones (None = not reported); added after validation, which refuses nulls
        variables = {
            **dict.fromkeys(start_form.get("properties", {})),
            **variables,
            **involved.variables,
            BUSINESS_KEY_VARIABLE: model.business_key,
            "registered_by": actor,
            "received_at": variables.get("received_at") or model.created_at.isoformat(),
        }
    inst = rt.engine.new_instance(definition.id, definition.content_hash, lambda: definition.spec_json, variables)
    audit.record(
        session,
        "instance_started",
        instance_id=model.id,
        actor=actor,
        detail={"version": definition.version, "business_key": model.business_key},
    )
    attachments.bind(session, evidence, model, actor)
    save(rt, session, model, inst, inst.run_steps(), actor)
    return model


def load(rt: Runtime, model: ProcessInstance) -> Instance:
    d = model.definition
    return rt.engine.load(d.id, d.content_hash, lambda: d.spec_json, model.state_json)


def save(
    rt: Runtime, session: Session, model: ProcessInstance, inst: Instance, result: StepResult, actor: str | None
) -> int:
    """Store engine state, status, timers, tasks, incidents and history in the caller's
    transaction; returns how many timers fired in this step."""
    now = utcnow()
    try:
        model.state_json = rt.engine.dump(inst)
        model.variables = _json_safe(inst.variables())
    except Exception as exc:  # the step left data no instance can keep: keep the last good state
        if not model.state_json:
            raise Invalid(
                f"the process cannot start: its data cannot be stored ({exc})", code="unstorable_data"
            ) from None
        result.incident = EngineIncident(None, f"the instance's data cannot be stored, the step was not kept: {exc}")
        record_incident(session, model, result.incident, actor)
        _flush(session, model)
        return 0
    model.updated_at = now
    instance_search.refresh(model)
    waiting = inst.waiting_timers()
    fired = timers.sync(session, model, inst, waiting)
    if result.incident is not None:
        record_incident(session, model, result.incident, actor)
    elif result.completed and model.status != "completed":
        model.status = "completed"
        model.ended_at = now
        audit.record(session, "instance_completed", instance_id=model.id, actor=actor)
    task_rows.sync_tasks(
        session, model, inst, timers.due_by_task(waiting, timers.passed_limits(session, model.id)), actor=actor
    )
    after_facts = []
    requests = []
    for effect in inst.take_effects():
        if effect["operation"] == fact_requests.OPERATION:
            requests.append(effect)
        elif effect["operation"] in ("check_batch", "decide_recall"):  # they read the facts this save writes
            after_facts.append(effect)
        else:
            _apply_effect(rt, session, model, effect, actor)
    _flush(session, model)
    if after_facts:
        from app.services import batch_complaints  # it saves other instances through this module

        for effect in after_facts:
            batch_complaints.apply_effect(rt, session, model, effect, actor)
    if requests:
        try:
            caught = fact_requests.answer(session, inst, requests)
        except fact_requests.UnknownFacts as err:
            record_incident(session, model, EngineIncident(err.element_id, str(err)), actor)
            _flush(session, model)
            return fired
        if caught:  # the reply moves the instance on
            fired += save(rt, session, model, inst, inst.run_steps(), actor)
    return fired


def _apply_effect(
    rt: Runtime, session: Session, model: ProcessInstance, effect: dict[str, Any], actor: str | None
) -> None:
    """A built-in operation a service task queued: notifications, or a linked crisis."""
    if effect.get("operation") == crisis_links.OPERATION:
        crisis_links.apply_effect(
            session,
            model,
            effect,
            lambda record: start(rt, session, crisis_links.CRISIS_KEY, record, actor, system=True),
            actor,
        )
    else:
        notifications.apply_effect(session, model, effect)


def record_incident(session: Session, model: ProcessInstance, incident: EngineIncident, actor: str | None) -> None:
    """Put the instance in error with this incident (once: the same open incident is not repeated)."""
    model.status = "error"
    model.updated_at = utcnow()
    open_same = session.scalar(
        select(Incident.id).where(
            Incident.instance_id == model.id,
            Incident.resolved_at.is_(None),
            Incident.element_id == incident.element_id if incident.element_id else Incident.element_id.is_(None),
            Incident.message == incident.message,
        )
    )
    if open_same is not None:
        return
    session.add(Incident(instance_id=model.id, element_id=incident.element_id, message=incident.message))
    audit.record(
        session,
        "incident",
        instance_id=model.id,
        actor=actor,
        element_id=incident.element_id,
        detail={"message": incident.message},
    )


def get(session: Session, instance_id: int, *, with_state: bool = True) -> ProcessInstance:
    """The instance (404 if none); ``with_state=False`` leaves its serialized workflow unread
    (pages and checks that need the row's columns only; it loads if touched)."""
    options = [] if with_state else [defer(ProcessInstance.state_json)]
    model = session.get(ProcessInstance, instance_id, options=options)
    if model is None:
        raise NotFound(f"no process instance {instance_id}", code="unknown_instance")
    return model


def open_incident_count(session: Session) -> int:
    """Incidents no admin has retried yet, over all instances (for /health)."""
    return session.scalar(select(func.count()).select_from(Incident).where(Incident.resolved_at.is_(None))) or 0


def open_incident_message(session: Session, model: ProcessInstance) -> str | None:
    """The newest open incident's message, if the instance has one (a retry that failed again)."""
    return session.scalar(
        select(Incident.message)
        .where(Incident.instance_id == model.id, Incident.resolved_at.is_(None))
        .order_by(Incident.id.desc())
        .limit(1)
    )


def _require_status(model: ProcessInstance, allowed: tuple[str, ...], action: str) -> None:
    if model.status not in allowed:
        raise Conflict(f"cannot {action} an instance that is {model.status}", code="instance_state")


def suspend(session: Session, model: ProcessInstance, actor: str) -> None:
    _require_status(model, ("running", "error"), "suspend")
    model.status = "suspended"
    model.updated_at = utcnow()
    audit.record(session, "instance_suspended", instance_id=model.id, actor=actor)
    _flush(session, model)


def resume(session: Session, model: ProcessInstance, actor: str) -> None:
    _require_status(model, ("suspended",), "resume")
    open_incident = session.scalar(
        select(Incident.id).where(Incident.instance_id == model.id, Incident.resolved_at.is_(None)).limit(1)
    )
    model.status = "error" if open_incident else "running"
    model.updated_at = utcnow()
    audit.record(session, "instance_resumed", instance_id=model.id, actor=actor)
    _flush(session, model)


MAX_REASON = 2000


def require_reason(reason: Any, *, field: str = "reason", limit: int = MAX_REASON) -> str:
    """A reason somebody gives for an action (422 naming ``field`` if missing, blank or longer
    than ``limit`` characters), stripped."""
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid(
            "say why (a reason is required)",
            code="missing_reason",
            details=[{"field": field, "message": "required"}],
        )
    if len(reason) > limit:
        raise Invalid(
            f"the reason is longer than {limit} characters",
            code="invalid_reason",
            details=[{"field": field, "message": f"at most {limit} characters"}],
        )
    return reason.strip()


def terminate(rt: Runtime, session: Session, model: ProcessInstance, actor: str, *, reason: str | None = None) -> None:
    """End the instance for good (409 unless it is running, in error or suspended). People
    terminate through ``apply_admin_action``, which requires their reason."""
    _require_status(model, ("running", "error", "suspended"), "terminate")
    inst = load(rt, model)
    inst.cancel()
    model.status = "terminated"
    model.ended_at = utcnow()
    audit.record(
        session, "instance_terminated", instance_id=model.id, actor=actor, detail={"reason": reason} if reason else {}
    )
    save(rt, session, model, inst, StepResult(completed=False), actor)


def retry(rt: Runtime, session: Session, model: ProcessInstance, actor: str) -> None:
    """Re-run the failed step of an instance in error (after the cause was fixed)."""
    _require_status(model, ("error",), "retry")
    inst = load(rt, model)
    now = utcnow()
    for incident in session.scalars(
        select(Incident).where(Incident.instance_id == model.id, Incident.resolved_at.is_(None))
    ):
        incident.resolved_at = now
    model.status = "running"
    timers.release_failed(session, model)
    audit.record(session, "incident_retried", instance_id=model.id, actor=actor)
    save(rt, session, model, inst, inst.retry_errors(), actor)


def _flush(session: Session, model: ProcessInstance) -> None:
    """Write the instance (409 if someone else changed it meanwhile), then its report facts."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            "the instance was changed by someone else; reload and try again", code="instance_changed"
        ) from None
    complaint_facts.refresh(session, model)
    responsibility.refresh(session, model)
    session.flush()


ADMIN_ACTIONS = ("suspend", "resume", "terminate", "retry")


def apply_admin_action(
    rt: Runtime, session: Session, model: ProcessInstance, action: str, actor: str, *, reason: Any = None
) -> None:
    """Suspend, resume, terminate (with a reason) or retry an instance (admin)."""
    if action not in ADMIN_ACTIONS:
        raise NotFound(f"unknown action '{action}'", code="unknown_action")
    if action == "suspend":
        suspend(session, model, actor)
    elif action == "resume":
        resume(session, model, actor)
    elif action == "terminate":
        terminate(rt, session, model, actor, reason=require_reason(reason))
    else:
        retry(rt, session, model, actor)


def get_viewable(session: Session, user: User, instance_id: int, *, read: str = "case") -> ProcessInstance:
    """The instance, if the user may see it (403 otherwise; a confidential case answers 404,
    as for an unknown id, so nobody learns that it exists). A read of a confidential case is
    recorded (``confidential.record_read``: ``read`` names what was opened)."""
    model = get(session, instance_id)
    if not may_view(session, user, model):
        if model.confidential:
            raise NotFound(f"no process instance {instance_id}", code="unknown_instance")
        raise Forbidden("you are not involved in this complaint", code="not_your_instance")
    confidential.record_read(session, user, model, read)
    return model

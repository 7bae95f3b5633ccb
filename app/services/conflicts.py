"""Conflicts of interest (回避, domain.md §5 rule 5.2): the one home of the rule.

A start form names what a case is about with ``"x-conflict-of-interest"`` on a field:
``"case"`` (the registration number of another case: everyone who registered it or held or
completed one of its tasks is excluded) or ``"person"`` (the user name of who took the decision
appealed). ``involvement`` resolves them before the case is created (422 naming the field for an
unknown case or person); ``record`` keeps the exclusions on the new case, and ``refresh`` adds
whoever handled the original case since, each time a conflict-free task is about to be made. A user task the
diagram marks ``excludeConflictsOfInterest`` gets a ``TaskExclusion`` row per excluded person
when it becomes ready (``exclude_from_task``); from then on the excluded people do not see it in
any list (``not_excluded``), are not offered to an admin reassigning it, and are refused with
403 and the reason when they (or an admin on their behalf) claim, are assigned or complete it
(``refuse_excluded``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from app.errors import Forbidden, Invalid
from app.models import InstanceExclusion, ProcessInstance, TaskExclusion, TaskRecord, User

MARK = "x-conflict-of-interest"
# the reasons; one is kept per person and case, the decision before any handling of the case
REASONS: dict[str, str] = {
    "took_decision": "took the decision appealed ({decision})",
    "registered_original": "registered the original case {case}",
    "handled_original": "handled the original case {case}",
}
ORIGINAL_INSTANCE_VARIABLE = "original_instance_id"


@dataclass(frozen=True)
class Involvement:
    """Who is involved in what a new case is about, and the variables it adds to the case."""

    people: dict[str, tuple[str, dict[str, Any]]]  # username -> (reason, params)
    variables: dict[str, Any]


def involvement(session: Session, start_form: dict[str, Any] | None, data: dict[str, Any]) -> Involvement:
    """The people a new case must exclude, from the start form's marked fields (422 naming the
    field when the case or person it names does not exist)."""
    people: dict[str, tuple[str, dict[str, Any]]] = {}
    variables: dict[str, Any] = {}
    for field, prop in ((start_form or {}).get("properties") or {}).items():
        kind = prop.get(MARK) if isinstance(prop, dict) else None
        value = data.get(field)
        if kind is None or value in (None, ""):
            continue
        if kind == "case":
            original = _case(session, field, value)
            variables[ORIGINAL_INSTANCE_VARIABLE] = original.id
            for username, reason in handlers_of(session, original):
                people.setdefault(username, (reason, {"case": original.business_key, "instance_id": original.id}))
        elif kind == "person":
            _person(session, field, value)
            people[str(value)] = ("took_decision", {"decision": str(data.get("decision_reference") or value)})
    return Involvement(people, variables)


def _case(session: Session, field: str, number: Any) -> ProcessInstance:
    found = session.scalar(select(ProcessInstance).where(ProcessInstance.business_key == str(number)).limit(1))
    if found is None:
        raise Invalid(
            f"no case has the registration number {number!r}",
            code="unknown_case",
            details=[{"field": field, "message": "no case with this registration number"}],
        )
    return found


def _person(session: Session, field: str, username: Any) -> None:
    if session.scalar(select(User.id).where(User.username == str(username))) is None:
        raise Invalid(
            f"nobody has the user name {username!r}",
            code="unknown_user",
            details=[{"field": field, "message": "no user with this name"}],
        )


def handlers_of(session: Session, case: ProcessInstance) -> list[tuple[str, str]]:
    """(username, reason) of everyone who registered the case or held or completed one of its tasks."""
    found: list[tuple[str, str]] = []
    if case.started_by:
        found.append((case.started_by, "registered_original"))
    rows = session.execute(
        select(TaskRecord.assignee, TaskRecord.completed_by).where(TaskRecord.instance_id == case.id)
    ).all()
    for names in rows:
        found += [(name, "handled_original") for name in names if name]
    return found


def record(session: Session, model: ProcessInstance, involved: Involvement) -> None:
    """Keep the exclusions of a new case (before its first tasks are synced)."""
    for username, (reason, params) in involved.people.items():
        session.add(InstanceExclusion(instance_id=model.id, username=username, reason=reason, params=params))
    session.flush()


def refresh(session: Session, model: ProcessInstance) -> None:
    """Before a conflict-free task is made: whoever handled the original case since this one was
    filed (the original may still be open) is excluded too."""
    original_id = (model.variables or {}).get(ORIGINAL_INSTANCE_VARIABLE)
    original = session.get(ProcessInstance, original_id) if isinstance(original_id, int) else None
    if original is None:
        return
    known = set(session.scalars(select(InstanceExclusion.username).where(InstanceExclusion.instance_id == model.id)))
    params = {"case": original.business_key, "instance_id": original.id}
    for username, reason in handlers_of(session, original):
        if username not in known:
            known.add(username)
            session.add(InstanceExclusion(instance_id=model.id, username=username, reason=reason, params=params))
    session.flush()


def exclude_from_task(session: Session, row: TaskRecord) -> None:
    """A conflict-free task became ready: every person excluded from its case is excluded from it."""
    names = session.scalars(select(InstanceExclusion.username).where(InstanceExclusion.instance_id == row.instance_id))
    for username in names:
        session.add(TaskExclusion(task_id=row.id, username=username))


def exclusion(session: Session, row: TaskRecord, username: str | None) -> InstanceExclusion | None:
    """Why ``username`` may not act on the task, or None."""
    if not username:
        return None
    stmt = (
        select(InstanceExclusion)
        .join(TaskExclusion, TaskExclusion.username == InstanceExclusion.username)
        .where(
            TaskExclusion.task_id == row.id,
            TaskExclusion.username == username,
            InstanceExclusion.instance_id == row.instance_id,
        )
    )
    return session.scalar(stmt)


def reason_text(found: InstanceExclusion) -> str:
    """The reason in English, e.g. "handled the original case R20260101-000001"."""
    return REASONS.get(found.reason, found.reason).format_map({"case": "?", "decision": "?", **found.params})


def refuse_excluded(session: Session, row: TaskRecord, username: str | None) -> None:
    """403 naming the person and the reason when ``username`` is excluded from the task."""
    found = exclusion(session, row, username)
    if found is not None:
        raise Forbidden(
            f"{username} may not act on this task (conflict of interest): {username} {reason_text(found)}",
            code="conflict_of_interest",
            details=[{"field": "username", "message": f"{username} {reason_text(found)}", "reason": found.reason}],
        )


def excluded_from(session: Session, task_id: str) -> set[str]:
    """The user names excluded from the task (none for a task that is not conflict-free)."""
    return set(session.scalars(select(TaskExclusion.username).where(TaskExclusion.task_id == task_id)))


def not_excluded(task_id: Any, username: Any) -> ColumnElement[bool]:
    """For list queries: the task (its id column) does not exclude ``username`` (a name, or the
    user name column of a query over people): a probe of the primary key."""
    return ~exists().where(TaskExclusion.task_id == task_id, TaskExclusion.username == username)


def excluded_people(
    session: Session, instance_id: int, task_id: str | None = None
) -> list[tuple[InstanceExclusion, str]]:
    """The case's exclusions (or one task's) with each person's display name, by user name."""
    stmt = (
        select(InstanceExclusion, User.display_name)
        .outerjoin(User, User.username == InstanceExclusion.username)
        .where(InstanceExclusion.instance_id == instance_id)
        .order_by(InstanceExclusion.username)
    )
    if task_id is not None:
        stmt = stmt.where(
            exists().where(TaskExclusion.task_id == task_id, TaskExclusion.username == InstanceExclusion.username)
        )
    return [(ex, name or ex.username) for ex, name in session.execute(stmt).all()]


def excluded_from_case(session: Session, instance_id: int, username: str | None) -> bool:
    """Whether ``username`` is excluded from the case (before its task rows exist)."""
    if not username:
        return False
    found = session.get(InstanceExclusion, (instance_id, username))
    return found is not None

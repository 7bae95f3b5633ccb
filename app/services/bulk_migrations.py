"""Moving many running cases of one version onto another (contract "migrate", bulk).

A dry run lists one bounded page of the version's cases (running, suspended or in error), each
deserialized once: whether it can move and, if not, which element stops it. A real run moves
the chosen cases one by one, each all or nothing in its own savepoint and audited: a case that
cannot follow is refused, one changed since the caller's dry run (its ``lock_version``) or
concurrently (the optimistic lock on save) reports a conflict, and the others go on.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.engine.migration import active_elements
from app.errors import AppError, Conflict, Invalid, NotFound
from app.models import ProcessDefinition, ProcessInstance
from app.runtime import Runtime
from app.services import cursors, deployments, migrations

MAX_PAGE = 200
DEFAULT_PAGE = 50
_CURSOR_KEYS = frozenset({"after"})


def _bad(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _positive(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and 0 < value < 2**31


def _body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Invalid("send a JSON object", code="invalid_body", details=[_bad("body", "an object")])
    return body


def _invalid(bad: list[dict[str, str]]) -> None:
    if bad:
        raise Invalid("the migration request is not valid", code="invalid_migration", details=bad)


def read_plan_body(body: Any) -> tuple[int, int, int]:
    """``to_version``, ``limit`` (1..200, default 50) and where the page starts (from ``cursor``);
    422/400 naming the field."""
    body = _body(body)
    bad = []
    if not _positive(body.get("to_version")):
        bad.append(_bad("to_version", "a positive integer"))
    limit = body.get("limit", DEFAULT_PAGE)
    if isinstance(limit, bool) or not isinstance(limit, int) or not 0 < limit <= MAX_PAGE:
        bad.append(_bad("limit", f"an integer from 1 to {MAX_PAGE}"))
    cursor = body.get("cursor")
    if cursor is not None and not isinstance(cursor, str):
        bad.append(_bad("cursor", "a cursor string from the previous page"))
    _invalid(bad)
    after = 0
    if cursor:
        after = cursors.decode(cursor, _CURSOR_KEYS)["after"]
        if not _positive(after):
            raise cursors.bad_cursor("malformed")
    return body["to_version"], limit, after


def read_migrate_body(body: Any) -> tuple[int, list[tuple[int, int | None]]]:
    """``to_version`` and the chosen cases: ids, or ``{"id", "lock_version"}`` as the dry run gave
    them (1..200, no repeats)."""
    body = _body(body)
    bad = []
    if not _positive(body.get("to_version")):
        bad.append(_bad("to_version", "a positive integer"))
    wanted: list[tuple[int, int | None]] = []
    raw = body.get("instance_ids")
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_PAGE:
        bad.append(_bad("instance_ids", f"a list of 1 to {MAX_PAGE} instance ids"))
    else:
        for index, item in enumerate(raw):
            if isinstance(item, dict) and set(item) <= {"id", "lock_version"} and _positive(item.get("id")):
                lock = item.get("lock_version")
                if lock is None or _positive(lock):
                    wanted.append((item["id"], lock))
                    continue
            elif _positive(item):
                wanted.append((item, None))
                continue
            bad.append(_bad(f"instance_ids[{index}]", 'an instance id, or {"id", "lock_version"}'))
        if len({ident for ident, _ in wanted}) != len(wanted):
            bad.append(_bad("instance_ids", "each instance once"))
    _invalid(bad)
    return body["to_version"], wanted


def _versions(session: Session, key: str, version: int, to_version: int) -> tuple[ProcessDefinition, ProcessDefinition]:
    source = deployments.get_version(session, key, version)
    target = session.scalar(
        select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == to_version)
    )
    if target is None:
        raise NotFound(
            f"process {key!r} has no version {to_version}",
            code="unknown_version",
            details=[_bad("to_version", "no such version of this process")],
        )
    if target.id == source.id:
        raise Conflict(
            f"the cases are already on version {to_version}",
            code="same_version",
            details=[_bad("to_version", "another version than the cases'")],
        )
    return source, target


def _reason(err: AppError) -> str:
    """One line naming each element that stops the move, or the error's message."""
    named = [f"{d['element_id']}: {d['message']}" for d in err.details or [] if d.get("element_id")]
    return "; ".join(named) if named else err.message


def page_ids(definition_id: int, status: str, after: int, limit: int) -> Select[tuple[int]]:
    """The ids of a version's cases in one status after ``after``, oldest first: one walk of
    ``ix_instance_definition_status`` (definition_id, status, id), at most ``limit`` rows."""
    return (
        select(ProcessInstance.id)
        .where(
            ProcessInstance.definition_id == definition_id,
            ProcessInstance.status == status,
            ProcessInstance.id > after,
        )
        .order_by(ProcessInstance.id)
        .limit(limit)
    )


def plan(rt: Runtime, session: Session, key: str, version: int, body: Any) -> dict[str, Any]:
    """One page of the dry run: per case of ``version`` (oldest first) whether it can move to ``to_version``."""
    to_version, limit, after = read_plan_body(body)
    source, target = _versions(session, key, version, to_version)
    ids: list[int] = []
    for status in migrations.MIGRATABLE:
        ids.extend(session.scalars(page_ids(source.id, status, after, limit + 1)))
    ids = sorted(ids)[: limit + 1]
    models = list(
        session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_(ids[:limit])).order_by(ProcessInstance.id))
    )
    more = len(ids) > limit
    items = [_plan_item(rt, model, target) for model in models]
    return {
        "process_key": key,
        "from_version": source.version,
        "to_version": target.version,
        "items": items,
        "next_cursor": cursors.encode({"after": ids[limit - 1]}) if more else None,
    }


def _plan_item(rt: Runtime, model: ProcessInstance, target: ProcessDefinition) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": model.id,
        "business_key": model.business_key,
        "status": model.status,
        "lock_version": model.lock_version,
        "can_migrate": False,
        "reason": None,
        "blocking": [],
        "elements": [],
        "changes": [],
    }
    try:
        engine_plan, inst, _perform = migrations.plan_for(rt, model, target)
    except AppError as err:
        item["reason"] = _reason(err)
        return item
    except Exception as exc:  # a state the engine cannot read: this case cannot move, the page goes on
        item["reason"] = f"the instance's state cannot be read: {exc}"
        return item
    elements = active_elements(inst)
    item["elements"] = elements
    # what happens where the case is: its elements that change or disappear in the target
    item["changes"] = [c for c in engine_plan.changes if c["element_id"] in elements]
    item["blocking"] = engine_plan.blocking
    item["can_migrate"] = not engine_plan.blocking
    if engine_plan.blocking:
        item["reason"] = "; ".join(f"{b['element_id']}: {b['message']}" for b in engine_plan.blocking)
    return item


def migrate(rt: Runtime, session: Session, key: str, version: int, body: Any, actor: str) -> dict[str, Any]:
    """Move each chosen case of ``version`` to ``to_version``: ``{"results": [...]}`` in the order asked,
    each ``migrated`` (200), ``refused`` (404/409 with the reason) or ``conflict`` (409, changed meanwhile)."""
    to_version, wanted = read_migrate_body(body)
    _source, target = _versions(session, key, version, to_version)
    found = {
        m.id: m
        for m in session.scalars(select(ProcessInstance).where(ProcessInstance.id.in_([ident for ident, _ in wanted])))
    }
    results = []
    for ident, lock in wanted:
        model = found.get(ident)
        if model is None or model.process_key != key or model.version != version:
            results.append(
                _refused(ident, NotFound(f"no instance {ident} of version {version}", code="unknown_instance"))
            )
            continue
        results.append(_move_one(rt, session, model, target, lock, actor))
    return {"process_key": key, "from_version": version, "to_version": to_version, "results": results}


def _move_one(
    rt: Runtime, session: Session, model: ProcessInstance, target: ProcessDefinition, lock: int | None, actor: str
) -> dict[str, Any]:
    ident = model.id
    if lock is not None and lock != model.lock_version:
        return _refused(
            ident,
            Conflict("the instance changed since the dry run; run it again", code="instance_changed"),
        )
    try:
        with session.begin_nested():  # all or nothing for this case; the others go on
            changes = migrations.move(rt, session, model, target, actor, dry_run=False)
    except (StaleDataError, IntegrityError):  # the optimistic lock, or rows another writer just wrote
        return _refused(ident, Conflict("the instance was changed by someone else", code="instance_changed"))
    except AppError as err:
        return _refused(ident, err)
    return {"id": ident, "outcome": "migrated", "status": 200, "changes": changes}


def _refused(ident: int, err: AppError) -> dict[str, Any]:
    outcome = "conflict" if err.code == "instance_changed" else "refused"
    return {
        "id": ident,
        "outcome": outcome,
        "status": err.status,
        "code": err.code,
        "reason": _reason(err),
        "details": err.details or [],
    }

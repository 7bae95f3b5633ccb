"""The pages of a process's versions: the diff of two versions drawn on both diagrams, and the
migration of a version's cases (dry run table, confirmation, results)."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import render_template
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ProcessDefinition
from app.runtime import Runtime
from app.services import bulk_migrations, deployments, element_names, version_diff

CHANGE_LABELS = {"added": _l("added"), "removed": _l("removed"), "changed": _l("changed")}
ASPECT_LABELS = {
    "type": _l("element type"),
    "name": _l("name"),
    "flows": _l("flows"),
    "condition": _l("condition"),
    "timer": _l("timer"),
    "event": _l("event"),
    "form": _l("form"),
    "group": _l("candidate group"),
    "lane": _l("lane"),
    "members": _l("lane members"),
    "assignee": _l("assignee"),
    "handler": _l("handler"),
    "decision": _l("decision table"),
    "script": _l("script"),
    "called": _l("called process"),
    "process": _l("process of the pool"),
    "attached_to": _l("attached to"),
    "interrupting": _l("interrupting"),
    "properties": _l("properties"),
    "documentation": _l("documentation"),
    "attributes": _l("attributes"),
    "content": _l("other content"),
}
PLAN_PAGE = 50
BLOCKING_TEXT = {
    "subprocess": _l("the case runs this subprocess and v%(v)s does not have it"),
    "at_removed": _l("the case is here and v%(v)s has no such element"),
    "passed_removed": _l("the case passed here and v%(v)s has no such element (its history would be lost)"),
}


def blocking_text(blocking: dict[str, str], to_version: int) -> str:
    """Why this element stops the move, in the page's language (the engine's words if of another kind)."""
    text = BLOCKING_TEXT.get(blocking.get("kind", ""))
    return str(text) % {"v": to_version} if text is not None else blocking["message"]


class ChangeRow(NamedTuple):
    change: str
    element_id: str
    name: str | None
    type: str | None
    aspects: list[str]


def diff_page(session: Session, key: str, a: int, b: int) -> str:
    """Versions ``a`` and ``b`` side by side with the changes marked, and the list of changes."""
    first, second, diff = version_diff.compare(session, key, a, b)
    rows = [
        ChangeRow(
            kind,
            eid,
            diff.names.get(eid),
            diff.types.get(eid),
            [str(ASPECT_LABELS[x]) for x in diff.details.get(eid, [])],
        )
        for kind in ("added", "removed", "changed")
        for eid in getattr(diff, kind)
    ]
    return render_template("definition_diff.html", first=first, second=second, rows=rows, change_labels=CHANGE_LABELS)


def _versions_of(session: Session, key: str) -> list[tuple[int, str | None]]:
    """Every version of the process (number, deployer), newest first: a process has few versions."""
    stmt = (
        select(ProcessDefinition.version, ProcessDefinition.deployed_by)
        .where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc())
    )
    return [(v, by) for v, by in session.execute(stmt)]


def migration_page(
    rt: Runtime, session: Session, key: str, version: int, to_version: int | None, cursor: str | None
) -> str:
    """The target picker and, once a target is chosen, one page of the dry run."""
    source = deployments.get_version(session, key, version)
    plan: dict[str, Any] | None = None
    names: dict[str, str] = {}
    if to_version is not None:
        body: dict[str, Any] = {"to_version": to_version, "limit": PLAN_PAGE}
        if cursor:
            body["cursor"] = cursor
        plan = bulk_migrations.plan(rt, session, key, version, body)
        names = element_names.names_of(session, {source.id: source.content_hash}).get(source.id, {})
    return render_template(
        "definition_migration.html",
        source=source,
        versions=[v for v, _by in _versions_of(session, key) if v != version],
        to_version=to_version,
        plan=plan,
        names=names,
        change_labels=CHANGE_LABELS,
        blocking_text=blocking_text,
        first_page=not cursor,
    )


def confirmation_page(source: ProcessDefinition, to_version: int, chosen: list[tuple[int, int | None]]) -> str:
    return render_template(
        "definition_migration_done.html", source=source, to_version=to_version, chosen=chosen, results=None
    )


def results_page(source: ProcessDefinition, to_version: int, results: list[dict[str, Any]]) -> str:
    return render_template(
        "definition_migration_done.html",
        source=source,
        to_version=to_version,
        chosen=[],
        results=results,
        blocking_text=blocking_text,
    )

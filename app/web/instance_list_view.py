"""The complaint list page's data: one bounded page, the capped counts per status (the tabs),
page-number links while the count is exact, the filter form's choices and its field errors."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import render_template
from flask_babel import gettext, lazy_gettext
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine.xml_input import BPMN_MODEL_NS
from app.models import ProcessDefinition, User
from app.services import instance_export, instance_lists
from app.services.instance_filters import FIELDS, FilterErrors, query_args
from app.services.instance_search import SEVERITY_LEVELS
from app.services.people import GROUPS
from app.web import queries
from app.web.presenters import bilingual

PER_PAGE = 20
# the filter service's messages, as the form shows them
FIELD_MESSAGES = {
    "a version number (a positive integer)": lazy_gettext("Enter a version number (a positive whole number)."),
    "one of A, B, C, D, E": lazy_gettext("Choose a level from A to E."),
    "true or false": lazy_gettext("Tick the box or leave it empty."),
    "a date as YYYY-MM-DD": lazy_gettext("Enter a date as YYYY-MM-DD."),
    "on or after created_from": lazy_gettext("The end date must not be before the start date."),
}
PAGE_LINKS = 9  # numbered links around the current page
_user_tasks: dict[tuple[int, str], list[tuple[str, str]]] = {}  # (definition id, content hash) -> its user tasks


def _tasks_of(xml: str) -> list[tuple[str, str]]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    root = etree.fromstring(xml.encode("utf-8"), parser)
    return [(e.get("id"), e.get("name") or e.get("id")) for e in root.iter(f"{{{BPMN_MODEL_NS}}}userTask")]


def task_choices(session: Session) -> list[tuple[str, str]]:
    """(element id, name) of the user tasks of every process's newest version, by name; each
    diagram is read once per server process (keyed by its content hash as well as its id)."""
    newest = select(func.max(ProcessDefinition.id)).group_by(ProcessDefinition.key)
    keys = [
        (row.id, row.content_hash)
        for row in session.execute(
            select(ProcessDefinition.id, ProcessDefinition.content_hash).where(ProcessDefinition.id.in_(newest))
        )
    ]
    missing = [definition_id for definition_id, digest in keys if (definition_id, digest) not in _user_tasks]
    if missing:
        for definition_id, digest, xml in session.execute(
            select(ProcessDefinition.id, ProcessDefinition.content_hash, ProcessDefinition.xml).where(
                ProcessDefinition.id.in_(missing)
            )
        ):
            _user_tasks[(definition_id, digest)] = _tasks_of(xml)
    choices = {element: name for key in keys for element, name in _user_tasks.get(key, [])}
    return sorted(choices.items(), key=lambda item: bilingual(item[1]))


def _message(message: str) -> str:
    known = FIELD_MESSAGES.get(message)
    if known is not None:
        return str(known)
    if message.startswith("one of "):
        return gettext("Choose one of the offered values.")
    return gettext("This value cannot be used (%(reason)s).", reason=message)


def _page_numbers(page: int, pages: int) -> list[int]:
    first = max(1, min(page - PAGE_LINKS // 2, pages - PAGE_LINKS + 1))
    return list(range(first, min(pages, first + PAGE_LINKS - 1) + 1))


def render(
    session: Session,
    user: User,
    args: Mapping[str, str],
    filters: instance_lists.InstanceFilters | None,
    error: FilterErrors | None,
    *,
    page: int,
    cursor: str | None,
) -> str:
    """The page; with ``error`` (bad filters) the form shows each field's message and no rows."""
    kept = query_args(args)
    context: dict[str, Any] = {
        "filters": {f: args.get(f, "") for f in FIELDS},
        "kept": kept,
        "without_status": {k: v for k, v in kept.items() if k != "status"},
        "field_errors": {f: _message(m) for f, m in error.fields.items()} if error else {},
        "process_names": queries.process_names(session),
        "severity_levels": SEVERITY_LEVELS,
        "groups": list(GROUPS),
        "task_choices": task_choices(session),
        "instances": [],
        "counts": [],
        "total": 0,
        "total_is_exact": True,
    }
    if filters is None:
        return render_template("instances.html", **context, page=1, pages=None, page_numbers=[])
    cap = instance_lists.count_cap(user)
    result = instance_lists.list_page(session, user, filters, page=page, per_page=PER_PAGE, cursor=cursor)
    next_page = page + 1 if not cursor and (page + 1) * PER_PAGE <= cap else None
    counts = instance_lists.status_counts(session, user, filters, cap)
    everything = sum(c.total for c in counts)
    pages = -(-result.total // PER_PAGE) if result.total_is_exact else cap // PER_PAGE
    context.update(
        instances=result.items,
        open_tasks=instance_export.open_tasks(session, [m.id for m in result.items]),
        total=result.total,
        total_is_exact=result.total_is_exact,
        counts=counts,
        all_count=min(everything, cap),
        all_exact=everything <= cap and all(c.total_is_exact for c in counts),
    )
    return render_template(
        "instances.html",
        **context,
        page=None if cursor else page,
        pages=pages if result.total_is_exact else None,
        page_numbers=[] if cursor or pages <= 1 else _page_numbers(page, pages),
        next_page=next_page if result.next_cursor else None,
        next_cursor=result.next_cursor if next_page is None else None,
    )

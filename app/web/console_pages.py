"""The console's overview pages: process definitions with their heat map, open incidents, the
admin dashboard, and which page each role lands on."""

from __future__ import annotations

from itertools import groupby

from flask import render_template, url_for
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import ProcessDefinition, User
from app.services import dashboard, definition_stats, deployments, element_names, incident_lists
from app.web import queries


def landing_url(user: User) -> str | None:
    """Where ``/`` sends the user: admins to the dashboard, analysts to their workbench; handlers keep the inbox."""
    if user.has_role("admin"):
        return url_for("web.admin_dashboard")
    if user.has_role("analyst"):
        return url_for("web.workbench")
    return None


def inbox_url(user: User | None) -> str:
    """The menu's inbox link: for a user who lands elsewhere, the inbox asked for explicitly."""
    if user is not None and landing_url(user) is not None:
        return url_for("web.inbox", scope="group")
    return url_for("web.inbox")


def definitions_page(session: Session, key: str | None, version: int | None) -> str:
    """Every process and version with its instances per status; the chosen version (by default the
    newest of the first process) with its diagram, heat map and tokens per element."""
    every = deployments.list_definitions(session, all_versions=True)
    selected: ProcessDefinition | None = None
    if key is not None and version is not None:
        selected = deployments.get_version(session, key, version)
    elif every:
        first_key = every[0].key
        selected = max((d for d in every if d.key == first_key), key=lambda d: d.version)
    counts = definition_stats.status_counts(session, [d.id for d in every])
    elements: list[tuple[str, str | None, int, int]] = []
    if selected is not None:
        names = element_names.names_of(session, {selected.id: selected.content_hash}).get(selected.id, {})
        per_element = definition_stats.element_counts(session, selected.id)
        elements = sorted(
            ((eid, names.get(eid), c["active"], c["failed"]) for eid, c in per_element.items()),
            key=lambda row: (-row[3], -row[2], row[0]),
        )
    return render_template(
        "definitions.html",
        processes=[(k, list(versions)) for k, versions in groupby(every, key=lambda d: d.key)],
        counts=counts,
        statuses=definition_stats.STATUSES,
        selected=selected,
        elements=elements,
    )


def incidents_page(session: Session, cursor: str | None) -> str:
    rows, next_cursor = incident_lists.open_page(session, cursor=cursor)
    count, exact = incident_lists.open_count(session)
    return render_template(
        "incidents.html",
        incidents=rows,
        next_cursor=next_cursor,
        first_page=not cursor,
        total=count,
        total_is_exact=exact,
    )


def admin_dashboard_page(session: Session) -> str:
    names = queries.process_names(session)
    board = dashboard.admin_dashboard(session, list(names), utcnow())
    return render_template("dashboard.html", board=board, process_names=names)

"""The CSV export as a streamed download, labelled in the user's language (web page and API)."""

from __future__ import annotations

from datetime import datetime

from flask import Response
from flask_babel import gettext
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.models import User
from app.runtime import Runtime
from app.services import instance_export
from app.services.instance_lists import STATUSES, InstanceFilters
from app.web import queries
from app.web.presenters import DISPLAY_TZ, bilingual, current_lang, local_time, status_label


def labels(session: Session) -> instance_export.Labels:
    """Header and values in the current request's language (computed before streaming starts)."""
    lang = current_lang()
    header = [
        gettext("Registration number"),
        gettext("Process"),
        gettext("Version"),
        gettext("Status"),
        gettext("Severity"),
        gettext("Customer"),
        gettext("Phone"),
        gettext("Current tasks"),
        gettext("Created"),
        gettext("Updated"),
        gettext("Ended"),
    ]
    statuses = {s: status_label(s) for s in STATUSES}
    processes = {key: bilingual(name, lang) for key, name in queries.process_names(session).items()}
    capped = gettext("Only the first %(num)s rows are exported; narrow the filters to see the rest.", num="{num}")

    def when(value: datetime | None) -> str:
        return local_time(value) if value is not None else ""

    return instance_export.Labels(
        header=header,
        status=lambda s: statuses.get(s, s),
        process=lambda key: processes.get(key, key),
        task=lambda name: bilingual(name, lang),
        time=when,
        capped=lambda n: capped.format(num=f"{n:,}"),
    )


def csv_response(rt: Runtime, session: Session, viewer: User, filters: InstanceFilters) -> Response:
    """The filtered list as ``complaints-<local date and time>.csv``, streamed."""
    lines = instance_export.csv_lines(rt.sessions, viewer.id, filters, labels(session))
    response = Response((line.encode("utf-8") for line in lines), content_type="text/csv; charset=utf-8")
    stamp = utcnow().astimezone(DISPLAY_TZ).strftime("%Y%m%d-%H%M")
    response.headers.set("Content-Disposition", "attachment", filename=f"complaints-{stamp}.csv")
    response.headers["Cache-Control"] = "no-store"
    return response

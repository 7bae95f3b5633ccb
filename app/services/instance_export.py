"""The instance list as a CSV file: the filtered list, streamed page by page.

UTF-8 with a byte-order mark (so Excel opens Chinese text), the header row and the translated
values in the user's language (``Labels``, made by the page layer). The rows are read with the
list's own keyset walk (``instance_lists.list_query``: newest first, ``PAGE_ROWS`` at a time, the
viewer's visibility applied in each page) plus one query per page for the open tasks' names, so
memory stays bounded whatever the size. At most ``MAX_ROWS`` rows are written; if more match,
a last row says so. A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading apostrophe, so no spreadsheet reads it as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.models import TaskRecord, User
from app.services import instance_lists
from app.services.instance_lists import InstanceFilters, InstanceRow

MAX_ROWS = 100_000
PAGE_ROWS = 500
BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Labels:
    """What the file says, in the user's language."""

    header: Sequence[str]
    status: Callable[[str], str]
    process: Callable[[str], str]
    task: Callable[[str], str]
    time: Callable[[datetime | None], str]
    capped: Callable[[int], str]


def neutralised(value: object) -> str:
    """The cell's text, with an apostrophe before anything a spreadsheet would run."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def open_tasks(session: Session, ids: list[int]) -> dict[int, list[str]]:
    """The names of the open tasks of these instances, oldest first (one query a page, on
    ``ix_task_instance_state_created``)."""
    if not ids:
        return {}
    rows = session.execute(
        select(TaskRecord.instance_id, TaskRecord.name)
        .where(TaskRecord.instance_id.in_(ids), TaskRecord.state == "ready")
        .order_by(TaskRecord.instance_id, TaskRecord.created_at)
    )
    names: dict[int, list[str]] = {}
    for instance_id, name in rows:
        names.setdefault(instance_id, []).append(name)
    return names


def _line(cells: Sequence[object]) -> str:
    out = io.StringIO()
    csv.writer(out).writerow([neutralised(c) for c in cells])
    return out.getvalue()


def _row(m: InstanceRow, tasks: list[str], labels: Labels) -> list[object]:
    return [
        m.business_key or f"#{m.id}",
        labels.process(m.process_key),
        m.version,
        labels.status(m.status),
        m.severity_level,
        m.customer_name,
        m.customer_phone,
        "; ".join(labels.task(t) for t in tasks),
        labels.time(m.created_at),
        labels.time(m.updated_at),
        labels.time(m.ended_at),
    ]


def csv_lines(
    sessions: sessionmaker[Session], viewer_id: int, filters: InstanceFilters, labels: Labels
) -> Iterator[str]:
    """The file, line by line (the first one starts with the byte-order mark). Reads in its own
    session, so the response can stream after the request's session is closed."""
    yield BOM + _line(labels.header)
    with sessions() as session:
        viewer = session.get(User, viewer_id)
        assert viewer is not None
        written, before = 0, None
        while True:
            want = min(PAGE_ROWS, MAX_ROWS - written)
            stmt = instance_lists.list_query(viewer, filters, before=before, limit=want + 1)
            page = [InstanceRow(*row) for row in session.execute(stmt)]
            if want == 0:
                if page:
                    yield _line([labels.capped(MAX_ROWS)])
                return
            rows = page[:want]
            tasks = open_tasks(session, [m.id for m in rows])
            for m in rows:
                yield _line(_row(m, tasks.get(m.id, []), labels))
            written += len(rows)
            if len(page) <= want:
                return
            before = rows[-1].id

"""Evidence attachments: upload, list, authorize a download, and the form fields that cite them.

Who may: whoever may see the case (``visibility``) uploads, lists and downloads its files; anyone
else gets 404, never a hint that the file exists. A closed case (completed or terminated) is
archived and takes no new evidence (409); its files stay readable.

Intake: there is no case before the start form is saved, so the intake form's files are
uploaded first as the user's *pending* attachments (``instance_id`` NULL, seen only by their
uploader) and the start request claims those its attachment fields cite, in the transaction
that creates the case. A pending file never claimed stays a harmless orphan.

A form field ``{"type": "string", "format": "attachment"}`` (or an array of them) holds
attachment ids as decimal strings; each must be a file of the same case (at start: a pending
upload of the same user), else 422 naming the field.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.errors import Conflict, Invalid, NotFound
from app.models import Attachment, ProcessInstance, TaskRecord, User
from app.services import attachment_store, audit, confidential
from app.services.visibility import visibility_check

# bounded lists: a case holds at most this many files, a user this many not yet claimed
MAX_PER_INSTANCE = 200
MAX_PENDING_PER_USER = 50
CLOSED_STATUSES = frozenset({"completed", "terminated"})
FORMAT = "attachment"
FILENAME_MAX = 200
NOTE_MAX = 2000


def display_name(raw: str | None) -> str:
    """The client's file name as a display name only: no folders, no control characters, at
    most ``FILENAME_MAX`` characters (the extension kept), never empty."""
    name = re.split(r"[/\\]", raw or "")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip().strip(".")
    if len(name) > FILENAME_MAX:
        stem, dot, ext = name.rpartition(".")
        ext = ext if dot and len(ext) <= 10 else ""
        name = (stem if ext else name)[: FILENAME_MAX - len(ext) - 1].rstrip() + (f".{ext}" if ext else "")
    return name or "attachment"


def add(
    session: Session,
    folder: Path,
    stream: IO[bytes],
    *,
    filename: str | None,
    actor: str,
    max_bytes: int,
    instance: ProcessInstance | None,
    task: TaskRecord | None = None,
    note: str | None = None,
) -> Attachment:
    """Store one uploaded file for ``instance`` (None: a pending intake upload of ``actor``)."""
    note = (note or "").strip() or None
    if note is not None and len(note) > NOTE_MAX:
        raise Invalid("the note is too long", code="invalid", details=[{"field": "note", "message": "too long"}])
    if instance is not None:
        if instance.status in CLOSED_STATUSES:
            raise Conflict(
                f"the case is {instance.status} and archived: it takes no new evidence", code="instance_closed"
            )
        held = session.scalar(select(func.count()).where(Attachment.instance_id == instance.id))
        if (held or 0) >= MAX_PER_INSTANCE:
            raise Conflict(f"a case holds at most {MAX_PER_INSTANCE} attachments", code="too_many_attachments")
    else:
        waiting = session.scalar(
            select(func.count()).where(Attachment.uploaded_by == actor, Attachment.instance_id.is_(None))
        )
        if (waiting or 0) >= MAX_PENDING_PER_USER:
            raise Conflict(
                f"you have {MAX_PENDING_PER_USER} uploads waiting for a registration; register the complaint first",
                code="too_many_attachments",
            )
    stored = attachment_store.store(folder, stream, max_bytes=max_bytes)
    row = Attachment(
        instance_id=instance.id if instance is not None else None,
        filename=display_name(filename),
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_key=stored.key,
        note=note,
        uploaded_by=actor,
        task_id=task.id if task is not None else None,
        element_id=task.element_id if task is not None else None,
    )
    session.add(row)
    session.flush()
    if instance is not None:
        _audit_added(session, row, actor)
    return row


def _audit_added(session: Session, row: Attachment, actor: str | None) -> None:
    detail = {"attachment_id": row.id, "filename": row.filename, "size": row.size, "sha256": row.sha256}
    if row.note:
        detail["note"] = row.note
    audit.record(
        session, "attachment_added", instance_id=row.instance_id, actor=actor, element_id=row.element_id, detail=detail
    )


def for_instance(session: Session, instance_id: int) -> list[Attachment]:
    """A case's attachments in upload order (at most ``MAX_PER_INSTANCE``, one index range)."""
    stmt = (
        select(Attachment).where(Attachment.instance_id == instance_id).order_by(Attachment.id).limit(MAX_PER_INSTANCE)
    )
    return list(session.scalars(stmt))


def pending_of(session: Session, username: str, ids: list[int]) -> list[Attachment]:
    """The given uploads of ``username`` still waiting for their start form."""
    if not ids:
        return []
    stmt = select(Attachment).where(
        Attachment.id.in_(ids[:MAX_PENDING_PER_USER]),
        Attachment.uploaded_by == username,
        Attachment.instance_id.is_(None),
    )
    return list(session.scalars(stmt.order_by(Attachment.id)))


def viewable_instance(session: Session, user: User, instance_id: int) -> ProcessInstance:
    """The case whose attachments ``user`` asks for; 404 alike for a case that does not exist
    and one they may not see (an attachment's case is never hinted at)."""
    model = session.get(ProcessInstance, instance_id)
    if model is None or session.scalar(visibility_check(user, instance_id)) is None:
        raise NotFound("no such process instance", code="not_found")
    return model


def get_viewable(session: Session, user: User, attachment_id: int) -> Attachment:
    """The attachment if ``user`` may see its case (a pending one: its uploader); else 404."""
    row = session.get(Attachment, attachment_id)
    if row is not None:
        if row.instance_id is None:
            if row.uploaded_by == user.username:
                return row
        elif session.scalar(visibility_check(user, row.instance_id)) is not None:
            case = session.get(ProcessInstance, row.instance_id)
            if case is not None:
                confidential.record_read(session, user, case, "attachment")
            return row
    raise NotFound("no such attachment", code="not_found")


def file_path(folder: Path, row: Attachment) -> Path:
    return attachment_store.path_of(folder, row.storage_key)


def view(row: Attachment) -> dict[str, Any]:
    """The contract's shape, plus the case, note and task it was uploaded on."""
    return {
        "id": row.id,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "uploaded_by": row.uploaded_by,
        "uploaded_at": row.uploaded_at.isoformat(),
        "instance_id": row.instance_id,
        "note": row.note,
        "task_id": row.task_id,
        "element_id": row.element_id,
    }


# --- form fields of format "attachment" ---------------------------------------------------------
def is_attachment_field(prop: Mapping[str, Any]) -> bool:
    """A field of attachment ids: a string of format attachment, or an array of them."""
    items = prop.get("items")
    return prop.get("format") == FORMAT or (isinstance(items, Mapping) and items.get("format") == FORMAT)


def attachment_fields(schema: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Mapping[str, Any]]]:
    """The dotted names and schemas of the attachment fields of a form (sections included)."""
    for key, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, Mapping):
            continue
        if is_attachment_field(prop):
            yield f"{prefix}{key}", prop
        elif prop.get("properties"):
            yield from attachment_fields(prop, f"{prefix}{key}.")


def _cited(data: Mapping[str, Any], name: str) -> list[Any]:
    value: Any = data
    for part in name.split("."):
        if not isinstance(value, Mapping) or part not in value:
            return []
        value = value[part]
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def check_form_fields(
    session: Session, schema: Mapping[str, Any], data: Mapping[str, Any], *, instance_id: int | None, actor: str | None
) -> list[Attachment]:
    """The attachments ``data`` cites in its attachment fields; each must belong to case
    ``instance_id`` (None: be a pending upload of ``actor``), else ``Invalid`` naming the field."""
    found: list[Attachment] = []
    problems: list[dict[str, str]] = []
    for name, _prop in attachment_fields(schema):
        values = _cited(data, name)
        ids = [int(v) for v in values if isinstance(v, str) and v.isascii() and v.isdigit() and len(v) <= 12]
        if len(ids) != len(values):
            problems.append({"field": name, "message": "attachment ids are whole numbers written as text"})
            continue
        rows = {r.id: r for r in _owned(session, ids, instance_id=instance_id, actor=actor)}
        missing = [str(i) for i in ids if i not in rows]
        if missing:
            where = "this case" if instance_id is not None else "your uploads for this registration"
            problems.append({"field": name, "message": f"no attachment {', '.join(missing)} in {where}"})
        found.extend(rows.values())
    if problems:
        raise Invalid("the form cites attachments that are not this case's", code="invalid_data", details=problems)
    return found


def _owned(session: Session, ids: list[int], *, instance_id: int | None, actor: str | None) -> list[Attachment]:
    if not ids:
        return []
    if instance_id is None:
        return pending_of(session, actor or "", ids)
    stmt = select(Attachment).where(Attachment.id.in_(ids[:MAX_PER_INSTANCE]), Attachment.instance_id == instance_id)
    return list(session.scalars(stmt))


def bind(session: Session, rows: list[Attachment], model: ProcessInstance, actor: str | None) -> None:
    """Give pending intake uploads to the case just created (one history entry each). Each is
    taken only while still pending, so two registrations citing one upload cannot both get it (409)."""
    pending = [row for row in rows if row.instance_id is None]
    if not pending:
        return
    taken = session.execute(
        update(Attachment)
        .where(Attachment.id.in_([row.id for row in pending]), Attachment.instance_id.is_(None))
        .values(instance_id=model.id)
        .execution_options(synchronize_session=False)
    )
    if taken.rowcount != len(pending):  # type: ignore[attr-defined]
        raise Conflict("an upload was registered with another complaint meanwhile", code="attachment_claimed")
    for row in pending:
        session.expire(row, ["instance_id"])
        _audit_added(session, row, actor)
    session.flush()

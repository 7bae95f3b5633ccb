"""Attachments as the pages show them: sizes for people, labels for the form's tick boxes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_babel import format_decimal

from app.models import Attachment
from app.services import attachments
from app.services.attachment_types import is_image


def human_size(size: int) -> str:
    """``2.4 MB``, ``310 KB``, ``12 B`` (1 KB = 1,024 bytes), in the page's number format."""
    for unit, factor in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= factor:
            return f"{format_decimal(round(size / factor, 1))} {unit}"
    return f"{size} B"


def choices(rows: Iterable[Attachment]) -> dict[str, str]:
    """id -> "name (size)" for an attachment field's tick boxes."""
    return {str(a.id): f"{a.filename} ({human_size(a.size)})" for a in rows}


def item(row: Attachment) -> dict[str, Any]:
    """One attachment for a page or for the upload script: the API's view plus display values."""
    return attachments.view(row) | {
        "url": url_for("api.download_attachment", attachment_id=row.id),
        "is_image": is_image(row.content_type),
        "size_text": human_size(row.size),
        "label": f"{row.filename} ({human_size(row.size)})",
    }

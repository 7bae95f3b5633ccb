"""The element-level difference between two versions of a process (analysts and admins)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from app.engine.diagram_diff import DiagramDiff, diff_diagrams
from app.models import ProcessDefinition
from app.services import deployments


def compare(session: Session, key: str, a: int, b: int) -> tuple[ProcessDefinition, ProcessDefinition, DiagramDiff]:
    """Both versions (404 naming the one that does not exist) and what changed from ``a`` to ``b``."""
    first = deployments.get_version(session, key, a)
    second = deployments.get_version(session, key, b)
    if first.id == second.id:
        return first, second, DiagramDiff()
    return first, second, diff_diagrams(first.xml, second.xml, key)


def diff_view(key: str, a: int, b: int, diff: DiagramDiff) -> dict[str, Any]:
    """The API's answer: the three id lists, and per element what changed, its name and type."""
    return {
        "process_key": key,
        "from_version": a,
        "to_version": b,
        "added": diff.added,
        "removed": diff.removed,
        "changed": diff.changed,
        "details": diff.details,
        "names": diff.names,
        "types": diff.types,
    }

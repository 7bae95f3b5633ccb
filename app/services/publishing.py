"""Putting diagrams into service: deploy them, then activate what starts on a timer.

The one place both the API (an analyst's upload) and ``flask setup`` (the ``processes/``
folder) go through, so a deployed timer-start process always gets its waiting instance.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from app.runtime import Runtime
from app.services import deployments, timer_start
from app.services.deployments import Deployed


def publish(
    rt: Runtime, session: Session, raw: bytes, *, actor: str | None, decisions: Sequence[bytes] = ()
) -> list[Deployed]:
    """Deploy the executable processes of one BPMN document (with the DMN documents its
    business-rule tasks call) and start the waiting instance of each new timer-start version,
    in the caller's transaction."""
    deployed = deployments.deploy(
        session,
        raw,
        handlers=dict(rt.engine.handlers),
        max_bytes=rt.settings.max_bpmn_bytes,
        actor=actor,
        decisions=decisions,
    )
    timer_start.activate(rt, session, deployed)
    return deployed


def publish_folder(
    rt: Runtime, session: Session, folder: Path | None = None, *, actor: str = "system"
) -> list[Deployed]:
    """Publish every ``*.bpmn`` of a folder (default: the ``processes/`` setting), each with
    the folder's ``*.dmn`` decision tables."""
    folder = folder or rt.settings.processes_dir
    decisions = [path.read_bytes() for path in sorted(folder.glob("*.dmn"))]
    deployed: list[Deployed] = []
    for path in sorted(folder.glob("*.bpmn")):
        deployed += publish(rt, session, path.read_bytes(), actor=actor, decisions=decisions)
    return deployed

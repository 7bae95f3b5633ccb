"""Putting diagrams into service: deploy them, then activate what starts on a timer.

The one place both the API (an analyst's upload) and ``flask setup`` (the ``processes/``
folder) go through, so a deployed timer-start process always gets its waiting instance.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.runtime import Runtime
from app.services import deployments, timer_start, validation
from app.services.deployments import Deployed


def publish(rt: Runtime, session: Session, raw: bytes, *, actor: str | None) -> list[Deployed]:
    """Deploy the executable processes of one BPMN document and start the waiting instance of
    each new timer-start version, in the caller's transaction."""
    deployed = deployments.deploy(
        session,
        raw,
        handlers=dict(rt.engine.handlers),
        max_bytes=rt.settings.max_bpmn_bytes,
        actor=actor,
        context=validation.lint_context(rt, session),
    )
    timer_start.activate(rt, session, deployed)
    return deployed


def publish_folder(
    rt: Runtime, session: Session, folder: Path | None = None, *, actor: str = "system"
) -> list[Deployed]:
    """Publish every ``*.bpmn`` of a folder (default: the ``processes/`` setting)."""
    deployed: list[Deployed] = []
    for path in sorted((folder or rt.settings.processes_dir).glob("*.bpmn")):
        deployed += publish(rt, session, path.read_bytes(), actor=actor)
    return deployed

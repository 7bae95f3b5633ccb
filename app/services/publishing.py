"""Putting diagrams into service: deploy them, then activate what starts on a timer.

The one place both the API (an analyst's upload or bundle) and ``flask setup`` (the
``processes/`` and ``forms/`` folders, version 1's seed) go through, so a deployed timer-start
process always gets its waiting instance.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from app.runtime import Runtime
from app.services import deployments, timer_start, validation
from app.services.bundles import Bundle, BundleFile, form_file_name
from app.services.deployments import Deployed


def publish(rt: Runtime, session: Session, raw: bytes, *, actor: str | None, note: str | None = None) -> list[Deployed]:
    """Deploy the executable processes of one BPMN document (its forms carried from the previous
    version or the ``forms/`` folder)."""
    return publish_bundle(rt, session, Bundle(diagrams=(BundleFile("", raw),), note=note), actor=actor)


def publish_bundle(rt: Runtime, session: Session, bundle: Bundle, *, actor: str | None) -> list[Deployed]:
    """Deploy a bundle and start the waiting instance of each new timer-start version, in the
    caller's transaction."""
    deployed = deployments.deploy_bundle(
        session,
        bundle,
        handlers=dict(rt.engine.handlers),
        max_bytes=rt.settings.max_bpmn_bytes,
        actor=actor,
        forms_dir=rt.settings.forms_dir,
        context=validation.lint_context(rt, session, bundle),
    )
    timer_start.activate(rt, session, deployed)
    return deployed


def folder_bundle(processes: Path, forms: Path) -> Bundle:
    """One bundle of every ``*.bpmn`` and ``*.dmn`` of a folder and every form of ``forms/``."""
    return Bundle(
        diagrams=tuple(BundleFile(p.name, p.read_bytes()) for p in sorted(processes.glob("*.bpmn"))),
        decisions=tuple(BundleFile(p.name, p.read_bytes()) for p in sorted(processes.glob("*.dmn"))),
        forms=tuple(BundleFile(form_file_name(p.stem), p.read_bytes()) for p in sorted(forms.glob("*.json"))),
    )


def publish_folder(
    rt: Runtime, session: Session, folder: Path | None = None, *, actor: str = "system"
) -> list[Deployed]:
    """Publish a folder (default: the ``processes/`` setting) as ONE bundle with the ``forms/``
    folder: at setup, version 1 of each process and the forms and decision tables it owns."""
    bundle = folder_bundle(folder or rt.settings.processes_dir, rt.settings.forms_dir)
    if not bundle.diagrams:
        return []
    return publish_bundle(rt, session, bundle, actor=actor)

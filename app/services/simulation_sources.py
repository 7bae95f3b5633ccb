"""What a simulation run executes and which forms it asks: a deployed version, an analyst's
draft (its diagram, or the modeler's unsaved XML, and its own forms), or a diagram as XML."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from app.engine import parse_untrusted, parse_untrusted_decisions
from app.engine.lint import lint_diagram
from app.errors import Invalid
from app.models import Draft, DraftFile, ProcessDefinition, SimulationRun, User
from app.runtime import Runtime
from app.services import deployments, drafts, validation
from app.services.bundles import Bundle, BundleFile
from app.services.forms import VersionForms


def from_version(session: Session, run: SimulationRun, body: dict[str, Any]) -> None:
    key = body.get("process_key")
    if not isinstance(key, str) or not key:
        raise Invalid(
            "give process_key (or xml)",
            code="invalid_simulation",
            details=[{"field": "process_key", "message": "required (or xml)"}],
        )
    version = body.get("version")
    if version is None:
        definition = deployments.latest_definition(session, key)
    elif isinstance(version, bool) or not isinstance(version, int):
        raise Invalid(
            "version must be a whole number",
            code="invalid_simulation",
            details=[{"field": "version", "message": "whole number"}],
        )
    else:
        definition = deployments.get_version(session, key, version)
    assert definition is not None
    run.definition_id, run.process_key, run.version = definition.id, definition.key, definition.version
    run.xml, run.spec_json, run.content_hash = definition.xml, None, definition.content_hash


def from_draft(rt: Runtime, session: Session, user: User, run: SimulationRun, body: dict[str, Any]) -> None:
    """A run of the user's draft (404 for another's): its diagram, or the ``xml`` the modeler
    shows now (unsaved edits), with the draft's forms."""
    draft_id = body["draft_id"]
    if isinstance(draft_id, bool) or not isinstance(draft_id, int):
        raise Invalid(
            "draft_id must be a whole number",
            code="invalid_simulation",
            details=[{"field": "draft_id", "message": "whole number"}],
        )
    draft = drafts.get(session, user, draft_id)
    xml = body.get("xml")
    if xml is None:
        xml = drafts.diagram_file(session, draft).content
    from_diagram(rt, session, run, {**body, "xml": xml}, decisions=lambda tree: _draft_decisions(session, draft, tree))
    run.draft_id = draft.id


def _draft_decisions(session: Session, draft: Draft, tree: etree._ElementTree) -> list[bytes]:
    """The decision tables the draft would be deployed with (deploy's rule): its own ``.dmn``
    files, else, when its diagram calls decision tables, its process's latest version's."""
    own = session.scalars(select(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.name.like("%.dmn")))
    bundle = Bundle((), tuple(BundleFile(f.name, f.content.encode("utf-8")) for f in own))
    return list(deployments.carried_decisions(session, bundle, tree).values())


def from_diagram(
    rt: Runtime,
    session: Session,
    run: SimulationRun,
    body: dict[str, Any],
    decisions: Callable[[etree._ElementTree], list[bytes]] | None = None,
) -> None:
    """A run of the diagram ``body["xml"]`` (its ``process_key``, default the first), compiled with
    the decision tables ``decisions(tree)`` answers for it (none by default)."""
    xml = body["xml"]
    if not isinstance(xml, str) or not xml.strip():
        raise Invalid(
            "xml must be the BPMN diagram as text",
            code="invalid_simulation",
            details=[{"field": "xml", "message": "BPMN XML text"}],
        )
    raw = xml.encode("utf-8")
    tree = parse_untrusted(raw, rt.settings.max_bpmn_bytes)
    tables = [parse_untrusted_decisions(content) for content in decisions(tree)] if decisions else []
    # deploy's error rules: a diagram that would be refused there (a timer typo) is refused here
    # a call activity may call a deployed process of another diagram
    context = replace(validation.base_context(rt.engine.handlers), called=deployments.deployed_callees(session, tree))
    report = lint_diagram(tree, raw, rt.engine.handlers, context, tables)
    if report.errors:
        raise Invalid("the diagram cannot run", code="invalid_bpmn", details=report.errors)
    compiled = report.compiled
    wanted = body.get("process_key")
    chosen = next((c for c in compiled if c.key == wanted), None) if wanted else compiled[0]
    if chosen is None:
        raise Invalid(
            f"the diagram has no executable process '{wanted}'",
            code="invalid_simulation",
            details=[{"field": "process_key", "message": f"one of {', '.join(c.key for c in compiled)}"}],
        )
    run.process_key, run.version = chosen.key, None
    run.xml, run.spec_json = xml, chosen.spec_json
    run.content_hash = hashlib.sha256(chosen.spec_json.encode("utf-8")).hexdigest()


def form_schema(rt: Runtime, run: SimulationRun, form_key: str | None) -> dict[str, Any]:
    """The form a task of the run asks for (the one place a run reads its forms): a draft's own
    ``forms/<key>.json`` when it has one, else the product's."""
    own = _draft_form(run, form_key)
    return own if own is not None else _product_forms(rt, run).schema(form_key)


def start_form(rt: Runtime, run: SimulationRun) -> dict[str, Any] | None:
    """The start form of the run's process, if it has one."""
    key = f"{run.process_key}.start"
    own = _draft_form(run, key)
    return own if own is not None else _product_forms(rt, run).start_schema(run.process_key)


def _product_forms(rt: Runtime, run: SimulationRun) -> VersionForms:
    """A version's run reads the forms that version owns; a draft's or a diagram's, the newest
    version's of its process (else the ``forms/`` folder)."""
    session = object_session(run)
    if session is None:
        return rt.forms.folder_forms()
    definition = session.get(ProcessDefinition, run.definition_id) if run.definition_id else None
    if definition is None and run.process_key:
        definition = deployments.latest_definition(session, run.process_key, required=False)
    return rt.forms.of(session, definition) if definition is not None else rt.forms.folder_forms()


def _draft_form(run: SimulationRun, form_key: str | None) -> dict[str, Any] | None:
    session = object_session(run)
    if run.draft_id is None or not form_key or session is None:
        return None
    text = session.scalar(
        select(DraftFile.content).where(DraftFile.draft_id == run.draft_id, DraftFile.name == f"forms/{form_key}.json")
    )
    if text is None:
        return None
    try:
        form = json.loads(text)
    except ValueError:
        return None  # the draft's form editor refuses such a file; the product's form stands in
    return form if isinstance(form, dict) else None

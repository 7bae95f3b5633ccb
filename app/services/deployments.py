"""Deploying bundles (diagrams with their decision tables and forms) as versioned process definitions.

Each new version owns copies of every form its user tasks and its start form use and of the
bundle's decision tables: a form the bundle lacks comes from the previous version of that key,
else from the ``forms/`` folder; a diagram calling decision tables that comes without any keeps
the previous version's. A version is "unchanged" (the deploy returns it) only when its diagram
and all those files are the same.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import Session, undefer

from app.engine import (
    CalledProcess,
    call_order,
    calls_decisions,
    executable_process_keys,
    external_calls,
    form_keys,
    parse_untrusted,
    parse_untrusted_decisions,
)
from app.engine.lint import LintContext, lint_diagram
from app.engine.scripting import Handler
from app.errors import AppError, Invalid, NotFound
from app.models import ProcessDefinition
from app.models.definition_files import DMN, FORM
from app.services import definition_files, handler_catalogue
from app.services.bundles import Bundle, BundleFile, form_file_name, is_key, start_form_key


@dataclass(frozen=True)
class Deployed:
    definition: ProcessDefinition
    created: bool
    timer_start: bool = False


def deploy(
    session: Session,
    raw: bytes,
    *,
    handlers: dict[str, Handler],
    max_bytes: int,
    actor: str | None,
    note: str | None = None,
    forms_dir: Path | None = None,
    context: LintContext | None = None,
) -> list[Deployed]:
    """Deploy every executable process of one BPMN document (the raw body deploy)."""
    bundle = Bundle(diagrams=(BundleFile("", raw),), note=note)
    return deploy_bundle(
        session, bundle, handlers=handlers, max_bytes=max_bytes, actor=actor, forms_dir=forms_dir, context=context
    )


def deploy_bundle(
    session: Session,
    bundle: Bundle,
    *,
    handlers: dict[str, Handler],
    max_bytes: int,
    actor: str | None,
    forms_dir: Path | None = None,
    context: LintContext | None = None,
) -> list[Deployed]:
    """Deploy every executable process of every diagram of the bundle, each compiled with the
    bundle's decision tables; unchanged ones return their existing version. All or nothing: any
    refusal (422 naming the file) leaves nothing stored, since the caller's transaction rolls back.

    Refused (``Invalid``, code ``invalid_bpmn``) with exactly the errors ``validate`` reports
    (``context``: what the rules check against), each naming ``element_id``, ``rule`` and
    ``message``; warnings do not block."""
    context = context or LintContext(handler_parameters=handler_catalogue.handler_parameters(handlers))
    results: list[Deployed] = []
    defined_in: dict[str, str] = {}
    trees = []
    for diagram in bundle.diagrams:
        with _naming(diagram.name):
            trees.append(parse_untrusted(diagram.content, max_bytes))
            for key in executable_process_keys(trees[-1]):
                if key in defined_in:
                    raise Invalid(f"process '{key}' is also defined in {defined_in[key]}", code="invalid_bundle")
                defined_in[key] = diagram.name
    # a diagram is stored after the diagrams whose processes it calls: it binds their new versions
    order = call_order_or_refusal(bundle, trees)
    for diagram, tree in ((bundle.diagrams[i], trees[i]) for i in order):
        with _naming(diagram.name):
            keys = executable_process_keys(tree)
            latest = {key: latest_definition(session, key, required=False) for key in keys}
            decisions = _decisions_for(session, bundle, tree, latest)
            parsed = [parse_untrusted_decisions(content) for content in decisions.values()]
            called = replace(context, called=deployed_callees(session, tree))
            report = lint_diagram(tree, diagram.content, handlers, called, parsed)
            if report.errors:
                raise Invalid(_refusal(report.errors), code="invalid_bpmn", details=report.errors)
            compiled = report.compiled
        needed = form_keys(tree)
        xml_text = diagram.content.decode("utf-8", errors="replace")
        for item in compiled:
            previous = latest.get(item.key)
            files = _forms_for(session, bundle, needed | {start_form_key(item.key)}, previous, forms_dir) | decisions
            files = _called_forms(session, item.called_versions) | files
            content_hash = definition_files.bundle_hash(item.content_hash, files)
            if previous is not None and previous.content_hash == content_hash:
                results.append(Deployed(previous, created=False))
                continue
            definition = ProcessDefinition(
                key=item.key,
                version=(previous.version + 1) if previous else 1,
                name=item.name,
                xml=xml_text,
                spec_json=item.spec_json,
                content_hash=content_hash,
                deployed_by=actor,
                note=bundle.note,
                starter_groups=list(item.starter_groups),
                starter_users=list(item.starter_users),
                called_versions=dict(item.called_versions) or None,
                confidential=item.confidential,
            )
            session.add(definition)
            session.flush()
            definition_files.store(session, definition, files)
            results.append(Deployed(definition, created=True, timer_start=item.timer_start))
    session.flush()
    return results


def call_order_or_refusal(bundle: Bundle, trees: list[etree._ElementTree]) -> list[int]:
    """The bundle's diagrams, callees first (``call_order``); a circle of calls between files is
    refused naming the file and the call activity."""
    try:
        return call_order(trees)
    except Invalid as err:
        names = [d.name for d in bundle.diagrams]
        culprit = next((i for i, t in enumerate(trees) if _has_element(t, err.details)), 0)
        with _naming(names[culprit]):
            raise


def _has_element(tree: etree._ElementTree, details: list[dict[str, object]]) -> bool:
    ids = {d.get("element_id") for d in details}
    return any(node.get("id") in ids for node in tree.getroot().iter() if isinstance(node.tag, str))


def deployed_callees(session: Session, tree: etree._ElementTree) -> dict[str, CalledProcess]:
    """The current version of each process of another diagram that ``tree`` calls and that is
    deployed (a co-deployed one is stored before its callers, so it is current here)."""
    found = {}
    for key in sorted(external_calls(tree)):
        definition = latest_definition(session, key, required=False)
        if definition is not None:
            found[key] = CalledProcess(key, definition.version, definition.spec_json, definition.content_hash)
    return found


def _called_forms(session: Session, called_versions: Mapping[str, int]) -> dict[str, bytes]:
    """The forms of the called versions of processes of other diagrams: the caller's version owns
    them too, so the called process's tasks check their answers in the caller's instances."""
    forms: dict[str, bytes] = {}
    for key, version in sorted(called_versions.items()):
        called = get_version(session, key, version)
        for name, text in definition_files.contents(session, called.id, FORM).items():
            forms.setdefault(name, text.encode("utf-8"))
    return forms


def _refusal(errors: list[dict[str, object]]) -> str:
    if all(e["rule"] == "executable-process" for e in errors):
        return 'the diagram has no executable process (isExecutable="true")'
    return "the diagram cannot run"


def carried_decisions(session: Session, bundle: Bundle, tree: etree._ElementTree) -> dict[str, bytes]:
    """The decision tables a diagram of ``bundle`` would be deployed with (validate checks the same)."""
    keys = executable_process_keys(tree)
    return _decisions_for(session, bundle, tree, {k: latest_definition(session, k, required=False) for k in keys})


@contextmanager
def _naming(name: str) -> Iterator[None]:
    """Errors about one file of a multipart bundle name it (a raw body has no name to give)."""
    try:
        yield
    except AppError as err:
        if name:
            err.details = [{"field": "file", "file": name, **d} for d in err.details] or [
                {"field": "file", "file": name, "message": err.message}
            ]
            err.message = f"{name}: {err.message}"
        raise


def _decisions_for(
    session: Session, bundle: Bundle, tree: etree._ElementTree, latest: dict[str, ProcessDefinition | None]
) -> dict[str, bytes]:
    """The decision tables a diagram is compiled with and its versions own: the bundle's, or, when
    the bundle has none and the diagram calls decision tables, those of its previous versions."""
    if bundle.decisions:
        return {f.name: f.content for f in bundle.decisions}
    if not calls_decisions(tree):
        return {}
    carried: dict[str, bytes] = {}
    for previous in latest.values():
        if previous is not None:
            for name, text in definition_files.contents(session, previous.id, DMN).items():
                carried.setdefault(name, text.encode("utf-8"))
    return carried


def _forms_for(
    session: Session,
    bundle: Bundle,
    keys: set[str],
    previous: ProcessDefinition | None,
    forms_dir: Path | None,
) -> dict[str, bytes]:
    """``forms/<key>.json -> content`` for each form key found in the bundle, else in the previous
    version, else in the forms folder (a key found nowhere is an open form, as before; a key
    that is no file name, e.g. with '/' or '..', is never looked up)."""
    earlier = definition_files.contents(session, previous.id, FORM) if previous is not None else {}
    files: dict[str, bytes] = {}
    for key in sorted(k for k in keys if is_key(k)):
        name = form_file_name(key)
        content = bundle.form(key)
        if content is None and name in earlier:
            content = earlier[name].encode("utf-8")
        if content is None and forms_dir is not None:
            path = forms_dir / f"{key}.json"
            if path.is_file():
                content = path.read_bytes()
        if content is not None:
            files[name] = content
    return files


def latest_definition(session: Session, key: str, *, required: bool = True) -> ProcessDefinition | None:
    stmt = (
        select(ProcessDefinition)
        .where(ProcessDefinition.key == key)
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    )
    definition = session.scalar(stmt)
    if definition is None and required:
        raise NotFound(f"no process definition with key '{key}'", code="unknown_process")
    return definition


def get_version(session: Session, key: str, version: int) -> ProcessDefinition:
    definition = session.scalar(
        select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == version)
    )
    if definition is None:
        raise NotFound(f"no version {version} of process '{key}'", code="unknown_process_version")
    return definition


def list_definitions(session: Session, *, all_versions: bool = False) -> list[ProcessDefinition]:
    stmt = (
        select(ProcessDefinition)
        .options(undefer(ProcessDefinition.note))
        .order_by(ProcessDefinition.key, ProcessDefinition.version)
    )
    if not all_versions:
        newest = (
            select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
            .group_by(ProcessDefinition.key)
            .subquery()
        )
        stmt = stmt.join(newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.v))
    return list(session.scalars(stmt))

"""Validate a bundle before it runs (``POST /process-definitions/validate``, and every deploy).

The rules are the engine's (``app.engine.lint``); this module gathers what they need from the
product as plain data: the handler declarations, the forms that exist (the bundle's, then
``forms/``), the groups somebody active belongs to, the decisions of the bundle's tables.

A body the hardened parser refuses (malformed XML, DOCTYPE/ENTITY, not UTF-8, not BPMN) is a
finding like any other: rule ``xml``, no element id; only a diagram over the size limit is
refused outright (413, as a deploy does). Errors block a deploy; warnings never do. A form of
the bundle that none of its diagrams uses is a ``form-unused`` warning naming the file: the
deploy goes on without storing it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.engine import (
    CalledProcess,
    call_order,
    executable_process_keys,
    form_keys,
    lint,
    parse_untrusted,
    parse_untrusted_decisions,
)
from app.engine.lint import LintContext, LintReport, lint_diagram
from app.errors import Invalid, PayloadTooLarge
from app.models import Group, User, user_groups
from app.runtime import Runtime
from app.services import handler_catalogue
from app.services.bundles import Bundle, BundleFile, form_key_of, start_form_key
from app.services.deployments import carried_decisions, deployed_callees

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_FORM_NAME = re.compile(r"^forms/([A-Za-z0-9_.-]+)\.json$")


@dataclass(frozen=True)
class Validation:
    """The answer of ``validate``: errors and warnings, each ``{"element_id", "rule", "message"}``
    (plus ``file`` when the bundle has several diagrams)."""

    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]

    @property
    def valid(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        return {"valid": self.valid, "errors": self.errors, "warnings": self.warnings}


def base_context(handlers: Mapping[str, Any]) -> LintContext:
    """What the error rules need without a database: the handler declarations."""
    return LintContext(handler_parameters=handler_catalogue.handler_parameters(handlers))


def lint_context(rt: Runtime, session: Session, bundle: Bundle | None = None) -> LintContext:
    """Everything the rules check against, for a bundle (or a lone diagram)."""
    bundle = bundle or Bundle(diagrams=())
    return LintContext(
        handler_parameters=handler_catalogue.handler_parameters(rt.engine.handlers),
        forms=known_forms(rt, bundle),
        groups=staffed_groups(session),
        decisions=frozenset(decision_ids(bundle)[0]),
    )


def known_forms(rt: Runtime, bundle: Bundle) -> frozenset[str]:
    """Form keys a user task of this bundle may name: the bundle's own, then ``forms/``."""
    own = {m.group(1) for f in bundle.forms if (m := _FORM_NAME.match(f.name))}
    on_disk = {p.stem for p in rt.forms.folder.glob("*.json")}
    return frozenset(own | on_disk)


def staffed_groups(session: Session) -> frozenset[str]:
    """Keys of the groups with at least one active member (one indexed query)."""
    stmt = (
        select(Group.key)
        .join(user_groups, user_groups.c.group_id == Group.id)
        .join(User, User.id == user_groups.c.user_id)
        .where(User.active.is_(True))
        .distinct()
    )
    return frozenset(session.scalars(stmt))


def decision_ids(bundle: Bundle) -> tuple[set[str], list[dict[str, Any]]]:
    """The decision ids of the bundle's DMN files, and a finding per file that cannot be read."""
    ids: set[str] = set()
    problems = []
    for item in bundle.decisions:
        root = _read_dmn(item)
        if root is None:
            problems.append(
                {"element_id": None, "rule": "xml", "file": item.name, "message": f"{item.name} is not a DMN document"}
            )
            continue
        ids |= lint.decision_ids([root.getroottree()])
    return ids, problems


def _read_dmn(item: BundleFile) -> Any:
    try:
        return parse_untrusted_decisions(item.content).getroot()
    except Invalid:
        return None


def lint_tree(
    rt: Runtime, session: Session, bundle: Bundle, tree: Any, raw: bytes, *, context: LintContext
) -> LintReport:
    """Lint one parsed diagram of the bundle with the decision tables a deploy would give it (the
    bundle's, else its process's previous version's)."""
    tables = [parse_untrusted_decisions(content) for content in carried_decisions(session, bundle, tree).values()]
    return lint_diagram(tree, raw, rt.engine.handlers, context, tables)


def unused_forms(bundle: Bundle, trees: list[Any]) -> list[dict[str, Any]]:
    """A ``form-unused`` warning per form of the bundle that none of its diagrams (``trees``) uses:
    no user task names it and it is no executable process's start form, so no version stores it."""
    used = {key for tree in trees for key in form_keys(tree)}
    used |= {start_form_key(key) for tree in trees for key in executable_process_keys(tree)}
    return [
        {
            "element_id": None,
            "rule": "form-unused",
            "file": item.name,
            "message": f"{item.name}: no user task or start event of the bundle's diagrams uses this form; "
            "the deploy does not store it",
        }
        for item in bundle.forms
        if form_key_of(item.name) not in used
    ]


def _refused(exc: Invalid, file: str | None) -> list[dict[str, Any]]:
    """The parser's refusal: one document-level ``xml`` finding per detail (naming the file)."""
    found = [{"element_id": None, "rule": "xml", "message": str(d.get("message"))} for d in exc.details]
    return [f | {"file": file} for f in found] if file else found


def validate(rt: Runtime, session: Session, bundle: Bundle) -> Validation:
    """Every finding of every diagram of ``bundle``, and of its forms no diagram uses; a refused
    body is an ``xml`` error."""
    if not bundle.diagrams:
        raise Invalid(
            "nothing to validate: send a BPMN diagram",
            code="missing_file",
            details=[{"field": "file", "message": "a .bpmn diagram is required"}],
        )
    context = lint_context(rt, session, bundle)
    errors, warnings = [], []
    errors += decision_ids(bundle)[1]
    several = len(bundle.diagrams) > 1
    trees: dict[int, Any] = {}
    for index, item in enumerate(bundle.diagrams):
        try:
            trees[index] = parse_untrusted(item.content, rt.settings.max_bpmn_bytes)
        except PayloadTooLarge:
            raise
        except Invalid as exc:
            errors += _refused(exc, item.name if several else None)
    readable = sorted(trees)
    try:  # callees first: their compiled processes are what the callers may call
        order = [readable[i] for i in call_order([trees[i] for i in readable])]
    except Invalid as exc:
        errors += [d | {"file": bundle.diagrams[readable[0]].name} for d in exc.details] if several else exc.details
        order = readable
    compiled_here: dict[str, CalledProcess] = {}
    for index in order:
        item, tree = bundle.diagrams[index], trees[index]
        called = {**deployed_callees(session, tree), **compiled_here}
        try:
            report = lint_tree(rt, session, bundle, tree, item.content, context=replace(context, called=called))
        except Invalid as exc:  # a decision table of the bundle the parser refuses
            errors += _refused(exc, item.name if several else None)
            continue
        compiled_here |= {c.key: CalledProcess(c.key, None, c.spec_json, c.content_hash) for c in report.compiled}
        errors += [f | {"file": item.name} for f in report.errors] if several else report.errors
        warnings += [f | {"file": item.name} for f in report.warnings] if several else report.warnings
    if len(trees) == len(bundle.diagrams):  # a diagram that cannot be read may use any form
        warnings += unused_forms(bundle, list(trees.values()))
    return Validation(errors=errors, warnings=warnings)

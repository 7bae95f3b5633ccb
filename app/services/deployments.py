"""Deploying diagrams as versioned process definitions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.engine import compile_diagram, parse_untrusted
from app.engine.scripting import Handler
from app.errors import NotFound
from app.models import ProcessDefinition


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
    decisions: Sequence[bytes] = (),
) -> list[Deployed]:
    """Deploy every executable process in ``raw``; unchanged ones return their existing version.

    ``decisions``: the DMN documents its business-rule tasks may call; a version's spec keeps
    the tables it calls, so changing a table is a new version."""
    tree = parse_untrusted(raw, max_bytes)
    tables = [parse_untrusted(d, max_bytes, document="dmn") for d in decisions]
    compiled = compile_diagram(tree, handlers, raw, tables)
    xml_text = raw.decode("utf-8", errors="replace")
    results = []
    for item in compiled:
        latest = latest_definition(session, item.key, required=False)
        if latest is not None and latest.content_hash == item.content_hash:
            results.append(Deployed(latest, created=False))
            continue
        definition = ProcessDefinition(
            key=item.key,
            version=(latest.version + 1) if latest else 1,
            name=item.name,
            xml=xml_text,
            spec_json=item.spec_json,
            content_hash=item.content_hash,
            deployed_by=actor,
            starter_groups=list(item.starter_groups),
            starter_users=list(item.starter_users),
        )
        session.add(definition)
        results.append(Deployed(definition, created=True, timer_start=item.timer_start))
    session.flush()
    return results


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
    stmt = select(ProcessDefinition).order_by(ProcessDefinition.key, ProcessDefinition.version)
    if not all_versions:
        newest = (
            select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("v"))
            .group_by(ProcessDefinition.key)
            .subquery()
        )
        stmt = stmt.join(newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.v))
    return list(session.scalars(stmt))

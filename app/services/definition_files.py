"""The forms and decision tables a process definition version owns (``definition_files``)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import NotFound
from app.models import DefinitionFile, ProcessDefinition
from app.models.definition_files import DMN, FORM


def kind_of(name: str) -> str:
    return DMN if name.endswith(".dmn") else FORM


def store(session: Session, definition: ProcessDefinition, files: Mapping[str, bytes]) -> None:
    """Give a new version its files (``name -> content``); they never change afterwards."""
    for name, content in sorted(files.items()):
        session.add(
            DefinitionFile(
                definition_id=definition.id,
                kind=kind_of(name),
                name=name,
                content=content.decode("utf-8"),
                sha256=hashlib.sha256(content).hexdigest(),
                size=len(content),
            )
        )


def bundle_hash(diagram_hash: str, files: Mapping[str, bytes]) -> str:
    """The hash of a version's whole content: its diagram and every file it owns, so that a
    bundle changing only a form label is a new version and an identical one is not."""
    digest = hashlib.sha256(diagram_hash.encode())
    for name, content in sorted(files.items()):
        digest.update(b"\0" + name.encode() + b"\0" + hashlib.sha256(content).hexdigest().encode())
    return digest.hexdigest()


def listing(session: Session, definition_id: int) -> list[DefinitionFile]:
    """A version's files by name, without their content."""
    return list(
        session.scalars(
            select(DefinitionFile).where(DefinitionFile.definition_id == definition_id).order_by(DefinitionFile.name)
        )
    )


def contents(session: Session, definition_id: int, kind: str) -> dict[str, str]:
    """``name -> content`` of a version's files of one kind (one query)."""
    rows = session.execute(
        select(DefinitionFile.name, DefinitionFile.content).where(
            DefinitionFile.definition_id == definition_id, DefinitionFile.kind == kind
        )
    )
    return {name: content for name, content in rows}


def one(session: Session, definition: ProcessDefinition, name: str) -> DefinitionFile:
    row = session.scalar(
        select(DefinitionFile).where(DefinitionFile.definition_id == definition.id, DefinitionFile.name == name)
    )
    if row is None:
        raise NotFound(
            f"version {definition.version} of '{definition.key}' has no file '{name}'",
            code="unknown_definition_file",
        )
    return row

"""The files a process definition version owns besides its diagram: forms and decision tables."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base

FORM = "form"
DMN = "dmn"


class DefinitionFile(Base):
    """One form (``forms/<key>.json``) or decision table (``<name>.dmn``) of one version; never
    changed after the deploy, so a running instance keeps its version's forms."""

    __tablename__ = "definition_files"
    __table_args__ = (UniqueConstraint("definition_id", "name", name="uq_definition_file_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(300))
    # large: loaded only when a file's content is read
    content: Mapped[str] = mapped_column(Text, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]

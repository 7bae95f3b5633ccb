"""A deployment bundle: the diagrams, decision tables and forms deployed together as one version.

A version owns the forms and decision tables it was deployed with (contract "Analyst workbench"),
so editing a form never changes a running instance's form.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BundleFile:
    """One file of a bundle, as uploaded: ``name`` is ``x.bpmn``, ``x.dmn`` or ``forms/<key>.json``."""

    name: str
    content: bytes


@dataclass(frozen=True)
class Bundle:
    """What one deploy (or one validate) is given."""

    diagrams: tuple[BundleFile, ...]
    decisions: tuple[BundleFile, ...] = ()
    forms: tuple[BundleFile, ...] = ()
    note: str | None = None

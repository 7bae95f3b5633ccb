"""What a service-task handler takes and gives, declared next to the handler (pure data).

The modeler's handler picker lists these, and ``validate`` refuses a service task that leaves
out a required parameter or passes one the handler does not read (a typo would be ignored
silently at run time).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """One parameter of a handler: ``type`` is a JSON type name ("string", "number", "boolean",
    "object", "array") or "any"; the descriptions are in Chinese and English."""

    name: str
    type: str
    required: bool
    zh: str
    en: str


@dataclass(frozen=True)
class HandlerDeclaration:
    """A handler's parameters, its result (the keys of the returned object) and what it does."""

    zh: str
    en: str
    parameters: tuple[Parameter, ...]
    result: tuple[str, ...]

    def parameter_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.parameters)

    def required_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.parameters if p.required)

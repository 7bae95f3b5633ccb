"""What the profile showed, in words (kept with the code that measures it)."""

from __future__ import annotations

INTERPRETATIONS: list[tuple[str, str]] = []

FINDINGS: list[str] = ["(to be written)"]

CHANGES: list[str] = ["(none yet)"]


def interpretation(func: str) -> str:
    for needle, text in INTERPRETATIONS:
        if needle in func:
            return text
    return ""

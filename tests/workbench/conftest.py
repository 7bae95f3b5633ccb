"""Fixtures of the workbench tests (kept in drafts_kit so the browser tests can use them too)."""

from tests.workbench.drafts_kit import _no_drafts, other_analyst  # noqa: F401

"""Fixtures of the setup tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.setup.migration_harness import ScratchDatabase, scratch_database


@pytest.fixture
def scratch_db(tmp_path: Path) -> Iterator[ScratchDatabase]:
    """A database of the test's own for Alembic to move between revisions (``migration_harness.py``)."""
    with scratch_database(tmp_path) as db:
        yield db

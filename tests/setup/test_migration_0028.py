"""Migration 0028 on a database of its own: the facts gain the three newer time limits' columns
(existing rows keep NULL: not rated), and the downgrade removes them."""

from __future__ import annotations

from tests.setup.migration_harness import ScratchDatabase

NEW = {"sla_investigation_report", "sla_promise", "sla_quality"}


def test_revision_0028_adds_the_newer_time_limits_to_the_facts(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0025")
    assert not NEW & scratch_db.columns("complaint_facts")
    scratch_db.upgrade("0028")
    assert scratch_db.columns("complaint_facts") >= NEW
    scratch_db.downgrade("0025")
    assert not NEW & scratch_db.columns("complaint_facts")

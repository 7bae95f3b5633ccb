"""Migration 0028 on a database of its own: the facts gain the three newer time limits' columns
(existing rows keep NULL: not rated), the sales volumes table appears (one row per month and
product), so does the month rollups table, and the downgrade removes them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.setup.migration_harness import ScratchDatabase

NEW = {"sla_investigation_report", "sla_promise", "sla_quality"}


def test_revision_0028_adds_the_newer_time_limits_to_the_facts(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0025")
    assert not NEW & scratch_db.columns("complaint_facts")
    scratch_db.upgrade("0028")
    assert scratch_db.columns("complaint_facts") >= NEW
    assert "ix_fact_received_hours" in scratch_db.indexes("complaint_facts")
    assert scratch_db.columns("sales_volumes") == {"id", "month", "product", "units", "updated_at", "updated_by"}
    insert = sa.text(
        "INSERT INTO sales_volumes (month, product, units, updated_at, updated_by) "
        "VALUES ('2026-11', 'Milk', 5000000000, '2026-11-30 00:00:00+00', 'admin')"
    )
    with scratch_db.engine.begin() as conn:
        conn.execute(insert)  # units beyond 32 bits
    with pytest.raises(sa.exc.IntegrityError), scratch_db.engine.begin() as conn:
        conn.execute(insert)  # one row per month and product
    rollups = scratch_db.columns("complaint_month_rollups")
    assert {"month", "department", "subject", "severity_level", "channel", "received", "quality_missed"} <= rollups
    scratch_db.downgrade("0025")
    assert not NEW & scratch_db.columns("complaint_facts")
    assert "ix_fact_received_hours" not in scratch_db.indexes("complaint_facts")
    assert not {"sales_volumes", "complaint_month_rollups"} & scratch_db.tables()

"""Migration 0026 on a database of its own: the batch columns of the complaint facts, the batch
table and the detection indexes appear; a fact written before keeps its row (not chilled, in no
batch); a batch removed leaves its facts unlinked; the downgrade removes it all."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from tests.setup.migration_harness import ScratchDatabase

NEW_COLUMNS = {"production_date", "plant", "problem", "chilled", "complainant_phone", "rings", "batch_id"}
INDEXES = {"ix_fact_batch_problem", "ix_fact_plant_date_problem", "ix_fact_product_date_problem", "ix_fact_batch_id"}


def test_batch_columns_table_and_indexes_come_and_go_with_revision_0026(scratch_db: ScratchDatabase) -> None:
    scratch_db.upgrade("0025")
    now = datetime.now(UTC)
    with scratch_db.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO process_definitions (id, key, version, name, xml, spec_json, content_hash, deployed_at) "
                "VALUES (1, 'complaint_handling', 1, 'c', '<x/>', '{}', 'h', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO process_instances (id, definition_id, process_key, version, status, state_json, "
                "variables, created_at, updated_at, lock_version) "
                "VALUES (7, 1, 'complaint_handling', 1, 'running', '', '{}', :now, :now, 1)"
            ),
            {"now": now},
        )
        conn.execute(
            sa.text(
                "INSERT INTO complaint_facts (instance_id, received_at, received_month, status, is_open, overdue, "
                "reopened_count, secondary) VALUES (7, :now, '2026-11', 'running', true, false, 0, false)"
            ),
            {"now": now},
        )
    scratch_db.upgrade("0026")
    assert "complaint_batches" in scratch_db.tables()
    assert scratch_db.columns("complaint_facts") >= NEW_COLUMNS
    assert scratch_db.indexes("complaint_facts") >= INDEXES
    with scratch_db.engine.begin() as conn:
        assert conn.execute(sa.text("SELECT chilled, batch_id FROM complaint_facts")).one() == (False, None)
        conn.execute(
            sa.text(
                "INSERT INTO complaint_batches (id, kind, product_name, problem, chilled, case_count, created_at) "
                "VALUES (3, 'consumers', 'milk', 'mould', false, 1, :now)"
            ),
            {"now": now},
        )
        conn.execute(sa.text("UPDATE complaint_facts SET batch_id = 3"))
    with scratch_db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM complaint_batches"))
        assert conn.scalar(sa.text("SELECT batch_id FROM complaint_facts WHERE instance_id = 7")) is None
    scratch_db.downgrade("0025")
    assert "complaint_batches" not in scratch_db.tables()
    assert not scratch_db.columns("complaint_facts") & NEW_COLUMNS

"""simulation runs: an analyst's test runs on a virtual clock per run, apart from real cases

A run of a draft (``draft_id``) or of a version (``definition_id``) is deleted with it.

Revision ID: 0021
Revises: 0020
"""

from alembic import op
import sqlalchemy as sa


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "simulation_runs",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column(
            "definition_id",
            sa.Integer(),
            sa.ForeignKey("process_definitions.id", ondelete="CASCADE", name="fk_simulation_definition"),
            nullable=True,
        ),
        sa.Column(
            "draft_id",
            sa.Integer(),
            sa.ForeignKey("drafts.id", ondelete="CASCADE", name="fk_simulation_draft"),
            nullable=True,
        ),
        sa.Column("process_key", sa.String(200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("spec_json", sa.Text(), nullable=True),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("state_json", sa.Text(), nullable=False),
        sa.Column("virtual_now", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("incident", sa.JSON(), nullable=True),
        sa.Column("log", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_simulation_owner_id", "simulation_runs", ["owner", "id"])
    op.create_index("ix_simulation_definition", "simulation_runs", ["definition_id"])
    op.create_index("ix_simulation_draft", "simulation_runs", ["draft_id"])


def downgrade() -> None:
    op.drop_index("ix_simulation_draft", table_name="simulation_runs")
    op.drop_index("ix_simulation_definition", table_name="simulation_runs")
    op.drop_index("ix_simulation_owner_id", table_name="simulation_runs")
    op.drop_table("simulation_runs")

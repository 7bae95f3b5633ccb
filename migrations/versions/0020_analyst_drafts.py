"""analyst drafts: bundles an analyst is editing, saved on the server, not deployed

``drafts``: one per bundle being edited, owned by one analyst (``owner``); ``lock_version`` is the
optimistic lock every change goes through. ``ix_draft_owner_updated`` (owner, updated_at, id):
an analyst's drafts newest first, the workbench's list. ``draft_files``: the bundle's files by
name (``<key>.bpmn``, ``<table>.dmn``, ``forms/<key>.json``), deleted with their draft.

Revision ID: 0020
Revises: 0019
"""

from alembic import op
import sqlalchemy as sa


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("process_key", sa.String(200), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
    )
    op.create_index("ix_draft_owner_updated", "drafts", ["owner", "updated_at", "id"], unique=False)
    op.create_table(
        "draft_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("drafts.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("draft_id", "name", name="uq_draft_file_name"),
    )


def downgrade() -> None:
    op.drop_table("draft_files")
    op.drop_index("ix_draft_owner_updated", table_name="drafts")
    op.drop_table("drafts")

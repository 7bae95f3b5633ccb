"""versioned bundles (forms and decision tables per version, deploy note)

``process_definitions.note``: the change note given with the deploy.
``definition_files``: the forms (``forms/<key>.json``) and decision tables (``<name>.dmn``) a
version was deployed with; a version's files never change, so a running instance keeps its
version's forms. The BPMN stays in ``process_definitions.xml``.

Revision ID: 0019
Revises: 0018
"""

from alembic import op
import sqlalchemy as sa


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("process_definitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=True))
    op.create_table(
        "definition_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("definition_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["definition_id"], ["process_definitions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("definition_id", "name", name="uq_definition_file_name"),
    )


def downgrade() -> None:
    op.drop_table("definition_files")
    with op.batch_alter_table("process_definitions", schema=None) as batch_op:
        batch_op.drop_column("note")

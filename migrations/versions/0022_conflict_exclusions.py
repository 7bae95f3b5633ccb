"""conflicts of interest (回避): people excluded from a case, and from its conflict-free tasks

Revision ID: 0022
Revises: 0021
"""

from alembic import op
import sqlalchemy as sa


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_exclusions",
        sa.Column(
            "instance_id",
            sa.Integer(),
            sa.ForeignKey("process_instances.id", ondelete="CASCADE", name="fk_instance_exclusion_instance"),
            primary_key=True,
        ),
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_instance_exclusion_user", "instance_exclusions", ["username", "instance_id"])
    op.create_table(
        "task_exclusions",
        sa.Column(
            "task_id",
            sa.String(36),
            sa.ForeignKey("tasks.id", ondelete="CASCADE", name="fk_task_exclusion_task"),
            primary_key=True,
        ),
        sa.Column("username", sa.String(64), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("task_exclusions")
    op.drop_index("ix_instance_exclusion_user", table_name="instance_exclusions")
    op.drop_table("instance_exclusions")

"""confidential instances: employee grievances are seen only by who filed and handles them, and HR

``process_definitions.confidential``: the diagram declares it (a process-level extension
property ``confidential = true``); ``process_instances.confidential`` is copied from the
definition at start, so every list stays one indexed query (``services/visibility``).
``ix_instance_confidential_id`` (confidential, id): HR's way in to the confidential cases, newest
first.

Revision ID: 0023
Revises: 0022
"""

from alembic import op
import sqlalchemy as sa


revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "process_definitions",
        sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "process_instances",
        sa.Column("confidential", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_instance_confidential_id", "process_instances", ["confidential", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_instance_confidential_id", table_name="process_instances")
    # a plain DROP COLUMN (SQLite >= 3.35 has it): a batch copy of process_definitions would drop a
    # table that the instances' foreign key still points at
    op.execute("ALTER TABLE process_instances DROP COLUMN confidential")
    op.execute("ALTER TABLE process_definitions DROP COLUMN confidential")

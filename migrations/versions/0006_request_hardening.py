"""request hardening (idempotent starts, who may start a process)

Revision ID: 0006
Revises: 0005
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('process_definitions', sa.Column('starter_groups', sa.JSON(), nullable=True))
    op.add_column('process_definitions', sa.Column('starter_users', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('process_definitions') as batch:
        batch.drop_column('starter_users')
        batch.drop_column('starter_groups')

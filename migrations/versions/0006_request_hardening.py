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
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id', 'key', name='uq_idempotency_user_key')
    )
    op.create_index('ix_idempotency_expires_at', 'idempotency_keys', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_idempotency_expires_at', table_name='idempotency_keys')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('process_definitions') as batch:
        batch.drop_column('starter_users')
        batch.drop_column('starter_groups')

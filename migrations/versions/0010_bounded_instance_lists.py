"""indexes for the bounded, keyset-paged instance list

The list is newest first (``id DESC``) with optional filters; each filter gets an index that
ends in ``id`` so a page is an ordered index walk with a LIMIT: ``ix_instance_status_id``
(status, id) replaces ``ix_instance_status``, ``ix_instance_key_status_id`` (process_key,
status, id) replaces ``ix_instance_key_status``, and ``ix_instance_key_id`` (process_key, id)
and ``ix_instance_started_by_id`` (started_by, id) are new. ``ix_instance_business_key`` stays.

Revision ID: 0010
Revises: 0009
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_index('ix_instance_status')
        batch_op.drop_index('ix_instance_key_status')
        batch_op.create_index('ix_instance_status_id', ['status', 'id'], unique=False)
        batch_op.create_index('ix_instance_key_id', ['process_key', 'id'], unique=False)
        batch_op.create_index('ix_instance_key_status_id', ['process_key', 'status', 'id'], unique=False)
        batch_op.create_index('ix_instance_started_by_id', ['started_by', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_index('ix_instance_started_by_id')
        batch_op.drop_index('ix_instance_key_status_id')
        batch_op.drop_index('ix_instance_key_id')
        batch_op.drop_index('ix_instance_status_id')
        batch_op.create_index('ix_instance_key_status', ['process_key', 'status'], unique=False)
        batch_op.create_index('ix_instance_status', ['status'], unique=False)

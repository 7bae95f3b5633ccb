"""evidence attachments: one row per uploaded file (the bytes on disk under ATTACHMENTS_DIR)

``ix_attachment_instance_id`` (instance_id, id) lists a case's attachments in upload order;
``ix_attachment_uploader_instance`` (uploaded_by, instance_id) counts a user's uploads still
waiting for their start form (instance_id NULL until the case is registered).

Revision ID: 0012
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'attachments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size', sa.BigInteger(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=64), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('uploaded_by', sa.String(length=64), nullable=False),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('task_id', sa.String(length=36), nullable=True),
        sa.Column('element_id', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], name='fk_attachments_instance_id'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('storage_key', name='uq_attachments_storage_key'),
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_instance_id', ['instance_id', 'id'], unique=False)
        batch_op.create_index('ix_attachment_uploader_instance', ['uploaded_by', 'instance_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index('ix_attachment_uploader_instance')
        batch_op.drop_index('ix_attachment_instance_id')
    op.drop_table('attachments')

"""bounded task lists: partial indexes for the open inbox, indexes for the visibility paths

``ix_task_ready_created`` (created_at, id) and ``ix_task_ready_due`` (due_at, created_at, id)
only over ready tasks serve the inbox's keyset pages; ``ix_task_assignee`` and
``ix_task_completed_by`` serve instance visibility for non-admins. task_candidate_groups
already has ``ix_task_group_key`` (group_key, task_id) and its primary key (task_id, group_key).

Revision ID: 0008
Revises: 0007
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")


def upgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(
            'ix_task_ready_created', ['created_at', 'id'], unique=False, postgresql_where=READY, sqlite_where=READY
        )
        batch_op.create_index(
            'ix_task_ready_due', ['due_at', 'created_at', 'id'], unique=False, postgresql_where=READY, sqlite_where=READY
        )
        batch_op.create_index('ix_task_assignee', ['assignee'], unique=False)
        batch_op.create_index('ix_task_completed_by', ['completed_by'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_task_completed_by')
        batch_op.drop_index('ix_task_assignee')
        batch_op.drop_index('ix_task_ready_due')
        batch_op.drop_index('ix_task_ready_created')

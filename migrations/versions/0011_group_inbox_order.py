"""a group's inbox in its sort orders: task_candidate_groups repeats the task's created_at, due_at, assignee

``ix_task_group_created`` (group_key, created_at, task_id), ``ix_task_group_due`` (group_key,
due_at, created_at, task_id) and their partial twins over unclaimed rows
(``ix_task_group_unclaimed_created`` / ``_due``, ``WHERE assignee IS NULL``) replace
``ix_task_group_key`` (group_key, task_id): a page of a group's inbox is one walk of the group's
rows that stops after the page, however many tasks the group has, without reading ``tasks``;
the membership probe of one task keeps the primary key (task_id, group_key).
``ix_task_ready_assignee_created`` / ``ix_task_ready_assignee_due`` (partial on ready tasks) do
the same for a user's own open tasks and replace ``ix_task_state_assignee``.
``ix_notification_user_id`` (username, id): a user's newest notifications without a sort.

Revision ID: 0011
Revises: 0010
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")
UNCLAIMED = sa.text("assignee IS NULL")


def upgrade() -> None:
    with op.batch_alter_table('task_candidate_groups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('assignee', sa.String(length=64), nullable=True))
    op.execute(
        "UPDATE task_candidate_groups SET "
        "created_at = (SELECT t.created_at FROM tasks t WHERE t.id = task_candidate_groups.task_id), "
        "due_at = (SELECT t.due_at FROM tasks t WHERE t.id = task_candidate_groups.task_id), "
        "assignee = (SELECT t.assignee FROM tasks t WHERE t.id = task_candidate_groups.task_id)"
    )
    with op.batch_alter_table('task_candidate_groups', schema=None) as batch_op:
        batch_op.alter_column('created_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.drop_index('ix_task_group_key')
        batch_op.create_index('ix_task_group_created', ['group_key', 'created_at', 'task_id'], unique=False)
        batch_op.create_index('ix_task_group_due', ['group_key', 'due_at', 'created_at', 'task_id'], unique=False)
        batch_op.create_index(
            'ix_task_group_unclaimed_created', ['group_key', 'created_at', 'task_id'], unique=False,
            postgresql_where=UNCLAIMED, sqlite_where=UNCLAIMED,
        )
        batch_op.create_index(
            'ix_task_group_unclaimed_due', ['group_key', 'due_at', 'created_at', 'task_id'], unique=False,
            postgresql_where=UNCLAIMED, sqlite_where=UNCLAIMED,
        )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_task_state_assignee')
        batch_op.create_index(
            'ix_task_ready_assignee_created', ['assignee', 'created_at', 'id'], unique=False,
            postgresql_where=READY, sqlite_where=READY,
        )
        batch_op.create_index(
            'ix_task_ready_assignee_due', ['assignee', 'due_at', 'created_at', 'id'], unique=False,
            postgresql_where=READY, sqlite_where=READY,
        )
    op.create_index('ix_notification_user_id', 'notifications', ['username', 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_notification_user_id', table_name='notifications')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_task_ready_assignee_due')
        batch_op.drop_index('ix_task_ready_assignee_created')
        batch_op.create_index('ix_task_state_assignee', ['state', 'assignee'], unique=False)
    with op.batch_alter_table('task_candidate_groups', schema=None) as batch_op:
        batch_op.drop_index('ix_task_group_unclaimed_due')
        batch_op.drop_index('ix_task_group_unclaimed_created')
        batch_op.drop_index('ix_task_group_due')
        batch_op.drop_index('ix_task_group_created')
        batch_op.create_index('ix_task_group_key', ['group_key', 'task_id'], unique=False)
        batch_op.drop_column('assignee')
        batch_op.drop_column('due_at')
        batch_op.drop_column('created_at')

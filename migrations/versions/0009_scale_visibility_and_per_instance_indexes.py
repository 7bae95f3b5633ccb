"""candidate groups only for open tasks, instance_groups for visibility, per-instance timer and task indexes

- ``instance_groups`` (instance_id, group_key): which groups have (had) a task on an instance,
  filled from the candidate-group rows of every task; non-admin visibility reads it.
- ``task_candidate_groups`` keeps only the rows of ready tasks (the inbox's lookup); the rows of
  finished tasks are deleted here and, from now on, when a task leaves the inbox.
- ``ix_task_instance_state_created`` (instance_id, state, created_at) and
  ``ix_timer_instance_status_due`` (instance_id, status, due_at) replace the two-column
  per-instance indexes, so the case page's ordered reads of one instance are one index range
  and the planner has no reason to walk ``ix_timer_status_due`` over every pending timer.
- ``ix_task_assignee_instance`` (assignee, instance_id) and ``ix_task_completed_by_instance``
  (completed_by, instance_id) replace the one-column indexes of 0008: a user's instances come
  out in instance order (keyset pages of a visible list), and one instance's check is one probe.

Revision ID: 0009
Revises: 0008
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'instance_groups',
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('group_key', sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('instance_id', 'group_key'),
    )
    op.create_index('ix_instance_group_key', 'instance_groups', ['group_key', 'instance_id'], unique=False)
    op.execute(
        "INSERT INTO instance_groups (instance_id, group_key) "
        "SELECT DISTINCT t.instance_id, g.group_key FROM task_candidate_groups g JOIN tasks t ON t.id = g.task_id"
    )
    op.execute("DELETE FROM task_candidate_groups WHERE task_id IN (SELECT id FROM tasks WHERE state <> 'ready')")
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_task_instance_state')
        batch_op.create_index('ix_task_instance_state_created', ['instance_id', 'state', 'created_at'], unique=False)
        batch_op.drop_index('ix_task_assignee')
        batch_op.drop_index('ix_task_completed_by')
        batch_op.create_index('ix_task_assignee_instance', ['assignee', 'instance_id'], unique=False)
        batch_op.create_index('ix_task_completed_by_instance', ['completed_by', 'instance_id'], unique=False)
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index('ix_timer_instance_status')
        batch_op.create_index('ix_timer_instance_status_due', ['instance_id', 'status', 'due_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_index('ix_timer_instance_status_due')
        batch_op.create_index('ix_timer_instance_status', ['instance_id', 'status'], unique=False)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_task_completed_by_instance')
        batch_op.drop_index('ix_task_assignee_instance')
        batch_op.create_index('ix_task_assignee', ['assignee'], unique=False)
        batch_op.create_index('ix_task_completed_by', ['completed_by'], unique=False)
        batch_op.drop_index('ix_task_instance_state_created')
        batch_op.create_index('ix_task_instance_state', ['instance_id', 'state'], unique=False)
    # the candidate-group rows of finished tasks are not brought back (each task's JSON column
    # ``candidate_groups`` still names them); before 0009 they only widened group visibility
    op.drop_index('ix_instance_group_key', table_name='instance_groups')
    op.drop_table('instance_groups')

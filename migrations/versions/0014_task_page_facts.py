"""task page facts kept on task rows: the deadline that governs a task and its instructions

Revision ID: 0014
Revises: 0013
"""

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL on rows synced before this revision: the pages fall back (no rule shown; instructions
    # read from the engine once); new rows always carry them ("" = the diagram gives none)
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_rule', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('due_rule_name', sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column('instructions', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_column('instructions')
        batch_op.drop_column('due_rule_name')
        batch_op.drop_column('due_rule')

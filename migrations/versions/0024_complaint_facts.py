"""complaint facts: one row per complaint_handling case with what the reports count

Written at save time by ``services/complaint_facts.refresh`` (the one save path). Existing cases
get their rows from ``flask backfill-complaint-facts`` (docs/reports.md), which runs that same
function, so the rule lives in one place.

Revision ID: 0024
Revises: 0023
"""

from alembic import op
import sqlalchemy as sa


revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'complaint_facts',
        sa.Column(
            'instance_id',
            sa.Integer(),
            sa.ForeignKey('process_instances.id', ondelete='CASCADE', name='fk_fact_instance'),
            primary_key=True,
            autoincrement=False,
        ),
        sa.Column('registration_number', sa.String(200), nullable=True),
        sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('received_month', sa.String(7), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('hours_to_close', sa.Float(), nullable=True),
        sa.Column('status', sa.String(20), nullable=False),
        sa.Column('is_open', sa.Boolean(), nullable=False),
        sa.Column('outcome', sa.String(40), nullable=True),
        sa.Column('subject', sa.String(40), nullable=True),
        sa.Column('severity_level', sa.String(1), nullable=True),
        sa.Column('channel', sa.String(20), nullable=True),
        sa.Column('department', sa.String(64), nullable=True),
        sa.Column('overdue', sa.Boolean(), nullable=False),
        *(
            sa.Column(f'sla_{rule}', sa.String(6), nullable=True)
            for rule in ('contact', 'first_reply', 'site_visit', 'handling', 'unresolved', 'follow_up')
        ),
        sa.Column('reopened_count', sa.Integer(), nullable=False),
        sa.Column('satisfaction', sa.Integer(), nullable=True),
        sa.Column('secondary', sa.Boolean(), nullable=False),
        sa.Column('product_name', sa.String(200), nullable=True),
        sa.Column('batch_number', sa.String(100), nullable=True),
        sa.Column('responsible_employee', sa.String(64), nullable=True),
        sa.Column('corrective_action', sa.Text(), nullable=True),
        sa.Column('preventive_action', sa.Text(), nullable=True),
    )
    op.create_index('ix_fact_received', 'complaint_facts', ['received_at'])
    op.create_index('ix_fact_department_received', 'complaint_facts', ['department', 'received_at'])
    op.create_index('ix_fact_open_overdue', 'complaint_facts', ['is_open', 'overdue', 'received_at'])
    op.create_index('ix_fact_closed', 'complaint_facts', ['closed_at'])


def downgrade() -> None:
    op.drop_index('ix_fact_closed', table_name='complaint_facts')
    op.drop_index('ix_fact_open_overdue', table_name='complaint_facts')
    op.drop_index('ix_fact_department_received', table_name='complaint_facts')
    op.drop_index('ix_fact_received', table_name='complaint_facts')
    op.drop_table('complaint_facts')

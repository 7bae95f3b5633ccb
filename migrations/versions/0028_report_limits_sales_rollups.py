"""reports: the three newer time limits in the complaint facts; sales volumes; month rollups

``sla_investigation_report`` (rule 1.5), ``sla_promise`` (2.8) and ``sla_quality`` (3.1), written
at save time by ``services/complaint_facts.refresh`` like the six others; existing rows keep NULL
(not rated) until their case is saved again; ``ix_fact_received_hours`` lets the percentiles of
hours to close read the index alone. ``sales_volumes``: units sold per month and product,
the complaint rate's denominator (``services/sales_volumes``). ``complaint_month_rollups``: the
facts' counts per month, department, subject, severity and channel, kept by deltas at save time
(``services/complaint_rollups``); ``flask setup`` computes them from the facts when the table is empty.

Revision ID: 0028
Revises: 0025
"""

from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None

NEW_LIMITS = ('investigation_report', 'promise', 'quality')
SLA_RULES = ('contact', 'first_reply', 'site_visit', 'handling', 'unresolved', 'follow_up', *NEW_LIMITS)
COUNTS = ('received', 'closed', 'open', 'overdue', 'rated', 'on_time', 'reopened', 'satisfaction_sum',
          'satisfaction_count', 'secondary', 'resolved', 'rings_recorded', 'within_rings')


def upgrade() -> None:
    with op.batch_alter_table('complaint_facts') as batch:
        for rule in NEW_LIMITS:
            batch.add_column(sa.Column(f'sla_{rule}', sa.String(6), nullable=True))
    op.create_index(
        'ix_fact_received_hours',
        'complaint_facts',
        ['received_at', 'hours_to_close', 'received_month', 'subject', 'severity_level', 'channel', 'department'],
    )
    op.create_table(
        'sales_volumes',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('month', sa.String(7), nullable=False),
        sa.Column('product', sa.String(200), nullable=False),
        sa.Column('units', sa.BigInteger(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_by', sa.String(64), nullable=False),
        sa.UniqueConstraint('month', 'product', name='uq_sales_volume_month_product'),
    )
    op.create_table(
        'complaint_month_rollups',
        sa.Column('month', sa.String(7), nullable=False),
        sa.Column('department', sa.String(64), nullable=False),
        sa.Column('subject', sa.String(40), nullable=False),
        sa.Column('severity_level', sa.String(1), nullable=False),
        sa.Column('channel', sa.String(20), nullable=False),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        *(
            sa.Column(f'{rule}_{result}', sa.Integer(), nullable=False)
            for rule in SLA_RULES
            for result in ('met', 'missed')
        ),
        sa.PrimaryKeyConstraint(
            'month', 'department', 'subject', 'severity_level', 'channel', name='pk_complaint_month_rollups'
        ),
    )


def downgrade() -> None:
    op.drop_table('complaint_month_rollups')
    op.drop_table('sales_volumes')
    op.drop_index('ix_fact_received_hours', table_name='complaint_facts')
    with op.batch_alter_table('complaint_facts') as batch:
        for rule in reversed(NEW_LIMITS):
            batch.drop_column(f'sla_{rule}')

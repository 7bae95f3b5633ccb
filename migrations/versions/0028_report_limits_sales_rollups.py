"""reports: the three newer time limits in the complaint facts

``sla_investigation_report`` (rule 1.5), ``sla_promise`` (2.8) and ``sla_quality`` (3.1), written
at save time by ``services/complaint_facts.refresh`` like the six others; existing rows keep NULL
(not rated) until their case is saved again.

Revision ID: 0028
Revises: 0025
"""

from alembic import op
import sqlalchemy as sa


revision = '0028'
down_revision = '0025'
branch_labels = None
depends_on = None

NEW_LIMITS = ('investigation_report', 'promise', 'quality')


def upgrade() -> None:
    with op.batch_alter_table('complaint_facts') as batch:
        for rule in NEW_LIMITS:
            batch.add_column(sa.Column(f'sla_{rule}', sa.String(6), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('complaint_facts') as batch:
        for rule in reversed(NEW_LIMITS):
            batch.drop_column(f'sla_{rule}')

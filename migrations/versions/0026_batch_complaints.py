"""batch complaints: the product facts batch detection compares, the batches, the ring count

``complaint_facts`` gains the intake's production date, plant, problem code, chilled flag and
ring count (phone intake), and ``batch_id``, the batch a case was linked to. ``complaint_batches``
holds one row per detected batch (rule 3.7, docs/batch_review.md). The three indexes serve the
detection query (``services/batch_complaints.members``): product + problem + batch number,
product + problem + plant + production date, and product + problem + production date (the date
range of the adjacent-dates rule and the independent-consumers rule). Facts written before this
revision get the new columns at their next save (``flask backfill-complaint-facts`` rewrites only
missing rows), so old cases simply do not take part in detection until then.

Revision ID: 0026
Revises: 0025
"""

from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'complaint_batches',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(20), nullable=False),
        sa.Column('product_name', sa.String(200), nullable=False),
        sa.Column('problem', sa.String(40), nullable=False),
        sa.Column('batch_number', sa.String(100), nullable=True),
        sa.Column('plant', sa.String(100), nullable=True),
        sa.Column('production_date', sa.Date(), nullable=True),
        sa.Column('chilled', sa.Boolean(), nullable=False),
        sa.Column('case_count', sa.Integer(), nullable=False),
        sa.Column('review_instance_id', sa.Integer(), nullable=True),
        sa.Column('recall_decided', sa.Boolean(), nullable=True),
        sa.Column('recall_decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table('complaint_facts') as batch:
        batch.add_column(sa.Column('production_date', sa.Date(), nullable=True))
        batch.add_column(sa.Column('plant', sa.String(100), nullable=True))
        batch.add_column(sa.Column('problem', sa.String(40), nullable=True))
        batch.add_column(sa.Column('chilled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column('complainant_phone', sa.String(20), nullable=True))
        batch.add_column(sa.Column('rings', sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                'batch_id',
                sa.Integer(),
                sa.ForeignKey('complaint_batches.id', ondelete='SET NULL', name='fk_fact_batch'),
                nullable=True,
            )
        )
    op.create_index(
        'ix_fact_batch_problem', 'complaint_facts', ['product_name', 'problem', 'batch_number', 'received_at']
    )
    op.create_index(
        'ix_fact_plant_date_problem', 'complaint_facts', ['product_name', 'problem', 'plant', 'production_date']
    )
    op.create_index('ix_fact_product_date_problem', 'complaint_facts', ['product_name', 'problem', 'production_date'])
    op.create_index('ix_fact_batch_id', 'complaint_facts', ['batch_id'])


def downgrade() -> None:
    op.drop_index('ix_fact_batch_id', table_name='complaint_facts')
    op.drop_index('ix_fact_product_date_problem', table_name='complaint_facts')
    op.drop_index('ix_fact_plant_date_problem', table_name='complaint_facts')
    op.drop_index('ix_fact_batch_problem', table_name='complaint_facts')
    with op.batch_alter_table('complaint_facts') as batch:
        for column in ('batch_id', 'rings', 'complainant_phone', 'chilled', 'problem', 'plant', 'production_date'):
            batch.drop_column(column)
    op.drop_table('complaint_batches')

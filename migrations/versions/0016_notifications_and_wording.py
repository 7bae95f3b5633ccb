"""task notifications and wording: what a notification says as a code with parameters (rendered
in the reader's language), the task it points to, and e-mail claimed, sent and recorded in
separate transactions (attempts, claim time, last error)

Revision ID: 0016
Revises: 0015
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_id', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('email_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('email_claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('email_error', sa.String(length=400), nullable=True))
        batch_op.drop_index('ix_notification_email_status')
        # the sender's queue: pending rows oldest first, and claims left by a crashed sender
        batch_op.create_index('ix_notification_email_queue', ['email_status', 'id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_email_queue')
        batch_op.create_index('ix_notification_email_status', ['email_status'], unique=False)
        batch_op.drop_column('email_error')
        batch_op.drop_column('email_claimed_at')
        batch_op.drop_column('email_attempts')
        batch_op.drop_column('params')
        batch_op.drop_column('code')
        batch_op.drop_column('task_id')
    # rows a sender had claimed when the schema went back are sent again
    op.execute("UPDATE notifications SET email_status = 'pending' WHERE email_status = 'sending'")

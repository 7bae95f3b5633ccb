"""instance links: the crisis a complaint started; the attitude complaint in the facts

``instance_links`` records that a case (a complaint) started another (a crisis) and why
(rules 3.6 and 4.1); ``complaint_facts.attitude_complaint`` counts the complaints about staff
attitude made at a follow-up visit.

Revision ID: 0030
Revises: 0025
"""

from alembic import op
import sqlalchemy as sa


revision = "0030"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instance_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_id", sa.Integer(), sa.ForeignKey("process_instances.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_id", sa.Integer(), sa.ForeignKey("process_instances.id", ondelete="CASCADE"), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("element_id", sa.String(200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_instance_link_source", "instance_links", ["source_id", "reason"])
    op.create_index("ix_instance_link_target", "instance_links", ["target_id"])
    op.add_column(
        "complaint_facts",
        sa.Column("attitude_complaint", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("complaint_facts", "attitude_complaint")
    op.drop_index("ix_instance_link_target", table_name="instance_links")
    op.drop_index("ix_instance_link_source", table_name="instance_links")
    op.drop_table("instance_links")

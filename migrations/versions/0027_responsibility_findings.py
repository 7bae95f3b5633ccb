"""responsibility findings: who a complaint was found against (domain.md §7)

``responsibility_findings``: one row per complaint case whose investigation named a responsible
employee (``services/responsibility.refresh``, at each save of the case): the employee, the
store, valid (成立) or unreasonable, handled patiently (委屈奖), the month it counts in and its
appeal state (active / appealed / upheld / overturned). ``ix_finding_month_employee`` serves the
monthly count (one GROUP BY), ``ix_finding_employee_created`` an employee's own list.

Revision ID: 0027
Revises: 0025
"""

from alembic import op
import sqlalchemy as sa


revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "responsibility_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("instance_id", sa.Integer(), nullable=False),
        sa.Column("registration_number", sa.String(length=200), nullable=True),
        sa.Column("employee", sa.String(length=64), nullable=False),
        sa.Column("store", sa.String(length=200), nullable=True),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.Column("handled_patiently", sa.Boolean(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("appeal_reason", sa.Text(), nullable=True),
        sa.Column("appealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appeal_instance_id", sa.Integer(), nullable=True),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lock_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["instance_id"], ["process_instances.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["appeal_instance_id"], ["process_instances.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instance_id"),
    )
    op.create_index("ix_finding_month_employee", "responsibility_findings", ["month", "employee"], unique=False)
    op.create_index(
        "ix_finding_employee_created", "responsibility_findings", ["employee", "created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_finding_employee_created", table_name="responsibility_findings")
    op.drop_index("ix_finding_month_employee", table_name="responsibility_findings")
    op.drop_table("responsibility_findings")

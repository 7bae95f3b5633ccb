"""called versions: the version of each process of another diagram a call activity runs

A version binds the current version of each process of another diagram its call activities call
when it is deployed (``process_definitions.called_versions``); an instance records the versions
it runs (``process_instances.called_versions``), copied at start and on migration.

Revision ID: 0025
Revises: 0024
"""

from alembic import op
import sqlalchemy as sa


revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("process_definitions", sa.Column("called_versions", sa.JSON(), nullable=True))
    op.add_column("process_instances", sa.Column("called_versions", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("process_instances", "called_versions")
    op.drop_column("process_definitions", "called_versions")

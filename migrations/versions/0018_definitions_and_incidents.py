"""definitions page and incidents: per-version counts and the open incidents, index-backed

``ix_instance_definition_status`` (definition_id, status, id): a version's instances per status
(the definitions page's capped counts, the heat map's open instances of one version).
``ix_incident_open_created`` (created_at, id), partial on ``resolved_at IS NULL``: the incidents
page and the dashboard walk the open incidents newest first, however many were resolved.

Revision ID: 0018
Revises: 0017
"""

from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

OPEN = sa.text("resolved_at IS NULL")


def upgrade() -> None:
    op.create_index(
        'ix_instance_definition_status', 'process_instances', ['definition_id', 'status', 'id'], unique=False
    )
    op.create_index(
        'ix_incident_open_created', 'incidents', ['created_at', 'id'], unique=False,
        postgresql_where=OPEN, sqlite_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index('ix_incident_open_created', table_name='incidents')
    op.drop_index('ix_instance_definition_status', table_name='process_instances')

"""instance list search columns: severity, customer name and phone on process_instances

The instance list filters by severity (A-E), by the start of a customer's name or phone and by
the start of a registration number, newest first. The first three are summary columns written
whenever an instance is saved (``services/instance_search.summary_columns``) and backfilled
here from the variables of the existing rows; each filter has an index ending in ``id``:
``ix_instance_severity_id``, ``ix_instance_customer_name_id`` (on the normalized
``customer_name_key``), ``ix_instance_customer_phone_id`` (digits only),
``ix_instance_key_version_id`` (process, version) and ``ix_instance_created_id`` (the date range).
On PostgreSQL the searched text columns (and ``business_key``) compare bytewise (``COLLATE "C"``),
so a prefix is an index range under any database collation.
``ix_task_ready_element_instance`` (element_id, instance_id), partial on ready tasks, serves the
"current task" filter from the task's side.

Revision ID: 0013
Revises: 0012
"""

import unicodedata

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

READY = sa.text("state = 'ready'")
BATCH = 1000
LEVELS = ("A", "B", "C", "D", "E")


def _text(length: int) -> sa.types.TypeEngine:
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


# the normalization of services/instance_search at revision 0013 (kept here so this step never changes)
def _name_key(name: object) -> str | None:
    if not isinstance(name, str):
        return None
    key = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return key[:100] or None


def _phone(phone: object) -> str | None:
    if not isinstance(phone, str):
        return None
    digits = "".join(c for c in unicodedata.normalize("NFKC", phone) if c.isdigit() and c.isascii())
    return digits[:32] or None


def _columns(variables: object) -> dict[str, object]:
    data = variables if isinstance(variables, dict) else {}
    person = data.get("complainant") if isinstance(data.get("complainant"), dict) else {}
    severity = data.get("severity") if isinstance(data.get("severity"), dict) else {}
    name = person.get("name")
    level = severity.get("level")
    shown = " ".join(name.split())[:100] if isinstance(name, str) else ""
    return {
        "severity_level": level if level in LEVELS else None,
        "customer_name": shown or None,
        "customer_name_key": _name_key(name),
        "customer_phone": _phone(person.get("phone")),
    }


def _backfill() -> None:
    conn = op.get_bind()
    instances = sa.table(
        'process_instances',
        sa.column('id', sa.Integer),
        sa.column('variables', sa.JSON),
        sa.column('severity_level', sa.String),
        sa.column('customer_name', sa.String),
        sa.column('customer_name_key', sa.String),
        sa.column('customer_phone', sa.String),
    )
    update = (
        instances.update()
        .where(instances.c.id == sa.bindparam('row_id'))
        .values(
            severity_level=sa.bindparam('severity_level'),
            customer_name=sa.bindparam('customer_name'),
            customer_name_key=sa.bindparam('customer_name_key'),
            customer_phone=sa.bindparam('customer_phone'),
        )
    )
    last = 0
    while True:
        rows = conn.execute(
            sa.select(instances.c.id, instances.c.variables)
            .where(instances.c.id > last)
            .order_by(instances.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        changes = [{"row_id": row.id, **_columns(row.variables)} for row in rows]
        changes = [c for c in changes if any(v is not None for k, v in c.items() if k != "row_id")]
        if changes:
            conn.execute(update, changes)
        last = rows[-1].id


def upgrade() -> None:
    op.add_column('process_instances', sa.Column('severity_level', sa.String(length=1), nullable=True))
    op.add_column('process_instances', sa.Column('customer_name', sa.String(length=100), nullable=True))
    op.add_column('process_instances', sa.Column('customer_name_key', _text(100), nullable=True))
    op.add_column('process_instances', sa.Column('customer_phone', _text(32), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column(
            'process_instances', 'business_key', type_=sa.String(200, collation="C"), existing_type=sa.String(200)
        )
    _backfill()
    op.create_index('ix_instance_severity_id', 'process_instances', ['severity_level', 'id'], unique=False)
    op.create_index('ix_instance_customer_name_id', 'process_instances', ['customer_name_key', 'id'], unique=False)
    op.create_index('ix_instance_customer_phone_id', 'process_instances', ['customer_phone', 'id'], unique=False)
    op.create_index('ix_instance_key_version_id', 'process_instances', ['process_key', 'version', 'id'], unique=False)
    op.create_index('ix_instance_created_id', 'process_instances', ['created_at', 'id'], unique=False)
    op.create_index(
        'ix_task_ready_element_instance', 'tasks', ['element_id', 'instance_id'], unique=False,
        postgresql_where=READY, sqlite_where=READY,
    )


def downgrade() -> None:
    op.drop_index('ix_task_ready_element_instance', table_name='tasks')
    op.drop_index('ix_instance_created_id', table_name='process_instances')
    op.drop_index('ix_instance_key_version_id', table_name='process_instances')
    op.drop_index('ix_instance_customer_phone_id', table_name='process_instances')
    op.drop_index('ix_instance_customer_name_id', table_name='process_instances')
    op.drop_index('ix_instance_severity_id', table_name='process_instances')
    if op.get_bind().dialect.name == 'postgresql':
        op.alter_column(
            'process_instances', 'business_key', type_=sa.String(200), existing_type=sa.String(200, collation="C")
        )
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_column('customer_phone')
        batch_op.drop_column('customer_name_key')
        batch_op.drop_column('customer_name')
        batch_op.drop_column('severity_level')

"""Bulk cases for the scale bench, written in SQL into a database ``setup_product`` prepared.

The cases' attributes (``bench.scale_shape``) go into a temporary table (COPY on PostgreSQL,
``executemany`` on SQLite); every product table is then filled by one ``INSERT ... SELECT`` that
joins them with small tables of the flow's steps, history events and timers. Ids increase with
time. ``generate(engine, n)`` returns what it wrote and how long it took; ``analyze(engine)``
gathers the planner statistics afterwards.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, text
from sqlalchemy.exc import DBAPIError

from app.clock import utcnow
from app.models import Group, ProcessDefinition, User
from app.services.instance_search import name_key
from bench import scale_shape, scale_sql
from bench.scale_shape import PATH, TIMERS, Case, Step
from bench.scale_sql import AUDIT_SLOTS, FILLER_POOL, Sql

PROCESS_KEY = "complaint_handling"


def _users_by_group(conn: Connection) -> dict[str, list[str]]:
    rows = conn.execute(
        select(Group.key, User.username).join(User.groups).where(User.active.is_(True)).order_by(User.username)
    )
    users: dict[str, list[str]] = {}
    for group, username in rows:
        users.setdefault(group, []).append(username)
    return users


def _next_id(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")).scalar_one())


def _bulk(conn: Connection, pg: bool, table: str, columns: Sequence[str], rows: Iterable[tuple[Any, ...]]) -> None:
    """Rows into a helper table: COPY on PostgreSQL, one ``executemany`` on SQLite."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    if pg:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in columns)
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    cursor.close()


CASE_COLUMNS = (
    "n",
    "id",
    "business_key",
    "closed",
    "status",
    "last_step",
    "created",
    "step_s",
    "department",
    "approver",
    "registered_by",
    "ready_assignee",
    "ready_due",
    "timer_due",
    "variables",
    "severity_level",
    "customer_name",
    "customer_name_key",
    "customer_phone",
)
STEP_COLUMNS = (
    "step",
    "element_id",
    "name",
    "lane",
    "form_key",
    "group1",
    "group2",
    "groups_json",
    "registrar",
    "approver",
)
HELPER_TABLES = {
    "scale_case": "n INTEGER PRIMARY KEY, id BIGINT, business_key TEXT, closed INTEGER, status TEXT, "
    "last_step INTEGER, created BIGINT, step_s BIGINT, department TEXT, approver TEXT, registered_by TEXT, "
    "ready_assignee TEXT, ready_due BIGINT, timer_due BIGINT, variables TEXT, severity_level TEXT, "
    "customer_name TEXT, customer_name_key TEXT, customer_phone TEXT",
    "scale_step": "step INTEGER, element_id TEXT, name TEXT, lane TEXT, form_key TEXT, group1 TEXT, group2 TEXT, "
    "groups_json TEXT, registrar INTEGER, approver TEXT",
    "scale_user": "group_key TEXT PRIMARY KEY, username TEXT",
    "scale_filler": "k INTEGER PRIMARY KEY, filler TEXT",
    "scale_event": "seq INTEGER PRIMARY KEY, type TEXT, step INTEGER, half INTEGER",
    "scale_timer": "slot INTEGER PRIMARY KEY, element_id TEXT, name TEXT",
}


def _case_row(c: Case) -> tuple[Any, ...]:
    return (
        c.n,
        c.id,
        c.business_key,
        int(c.closed),
        c.status,
        c.last_step,
        c.created,
        c.step_seconds - c.step_seconds % 2,
        c.department,
        c.approver,
        c.registered_by,
        c.ready_assignee,
        c.ready_due,
        c.timer_due,
        c.variables,
        c.severity_level,
        c.customer_name,
        name_key(c.customer_name),
        c.customer_phone,
    )


def _step_row(s: Step) -> tuple[Any, ...]:
    groups = list(s.groups)
    quoted = ", ".join(f'"{g}"' for g in groups)
    return (
        s.step,
        s.element_id,
        s.name,
        s.lane,
        s.form_key,
        groups[0] if groups else None,
        groups[1] if len(groups) > 1 else None,
        f"[{quoted}]" if groups else None,
        int(s.registrar),
        s.approver,
    )


def _events() -> list[tuple[Any, ...]]:
    """History entries in the order they happen; ``half``: when, in half-steps after the start."""
    rows: list[tuple[Any, ...]] = [(0, "instance_started", None, 0)]
    for step in range(1, len(PATH) + 1):
        rows += [(2 * step - 1, "task_created", step, 2 * step), (2 * step, "task_completed", step, 2 * step + 1)]
    rows.append((AUDIT_SLOTS - 1, "instance_completed", None, 2 * len(PATH) + 2))
    return rows


def _filler(size: int, seed: int) -> list[tuple[int, str]]:
    """Engine-state stand-ins of ``size`` bytes: random hex, so PostgreSQL cannot compress them away."""
    rng = random.Random(seed)
    body = max(size - 40, 0)
    return [(k, rng.randbytes(body // 2 + 1).hex()[:body]) for k in range(FILLER_POOL)]


def _fill_helpers(
    conn: Connection, sql: Sql, definition: ProcessDefinition, n: int, state_bytes: int, seed: int
) -> int:
    for name, columns in HELPER_TABLES.items():
        conn.execute(text(f"CREATE TEMP TABLE {name} ({columns})"))
    users = _users_by_group(conn)
    first_id = _next_id(conn, "process_instances")
    steps = scale_shape.diagram_steps(definition.xml)
    timer_names = scale_shape.timer_names(definition.xml)
    _bulk(conn, sql.pg, "scale_step", STEP_COLUMNS, [_step_row(s) for s in steps])
    _bulk(conn, sql.pg, "scale_user", ("group_key", "username"), [(g, names[0]) for g, names in users.items()])
    _bulk(conn, sql.pg, "scale_filler", ("k", "filler"), _filler(state_bytes, seed))
    _bulk(conn, sql.pg, "scale_event", ("seq", "type", "step", "half"), _events())
    timers = [(i, t, timer_names[t]) for i, t in enumerate(TIMERS)]
    _bulk(conn, sql.pg, "scale_timer", ("slot", "element_id", "name"), timers)
    prefix = "TS"  # forms/complaint_handling.start.json "x-business-key-prefix"
    rows = scale_shape.cases(n, first_id=first_id, now=utcnow(), users=users, prefix=prefix, seed=seed)
    _bulk(conn, sql.pg, "scale_case", CASE_COLUMNS, (_case_row(c) for c in rows))
    if sql.pg:
        conn.execute(text(f"ANALYZE {', '.join(HELPER_TABLES)}"))
    return first_id


def _reset_sequences(conn: Connection) -> None:
    """PostgreSQL: the next id the product takes comes after the generated ones."""
    for table in ("process_instances", "audit_entries", "timers", "incidents"):
        conn.execute(
            text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))")
        )


LOADED_TABLES = (
    "process_instances",
    "tasks",
    "task_candidate_groups",
    "instance_groups",
    "timers",
    "audit_entries",
    "incidents",
)


def _secondary_indexes(conn: Connection, pg: bool) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the non-unique indexes of the loaded tables."""
    if pg:
        query = (
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid::regclass::text IN :tables AND NOT indisprimary AND NOT indisunique"
        )
    else:
        query = (
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN :tables "
            "AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
        )
    stmt = text(query).bindparams(bindparam("tables", expanding=True))
    return [(name, ddl) for name, ddl in conn.execute(stmt, {"tables": list(LOADED_TABLES)})]


def _without_constraint_triggers(conn: Connection) -> None:
    """PostgreSQL: skip the per-row foreign-key checks (the rows are consistent by construction);
    needs a superuser, else the checks stay."""
    try:
        with conn.begin_nested():
            conn.execute(text("SET LOCAL session_replication_role = replica"))
    except DBAPIError:
        pass


def generate(engine: Engine, n: int, *, state_bytes: int = 2000, seed: int = 10) -> dict[str, Any]:
    """Write ``n`` cases in one transaction; returns row counts and seconds per table."""
    sql = Sql(engine.dialect.name)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    with engine.begin() as conn:
        if sql.pg:
            conn.execute(text("SET LOCAL synchronous_commit = off"))
            conn.execute(text("SET LOCAL work_mem = '256MB'"))
            conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
            _without_constraint_triggers(conn)
        definition = conn.execute(
            select(ProcessDefinition.id, ProcessDefinition.version, ProcessDefinition.xml)
            .where(ProcessDefinition.key == PROCESS_KEY)
            .order_by(ProcessDefinition.version.desc())
            .limit(1)
        ).one()
        t0 = time.perf_counter()
        first_id = _fill_helpers(conn, sql, definition, n, state_bytes, seed)
        seconds["case attributes (Python)"] = time.perf_counter() - t0
        params = {
            "definition_id": definition.id,
            "process_key": PROCESS_KEY,
            "version": definition.version,
            "audit0": _next_id(conn, "audit_entries"),
            "timer0": _next_id(conn, "timers"),
        }
        statements = scale_sql.statements(sql)
        # indexes are built once at the end, from sorted data, instead of row by row
        indexes = _secondary_indexes(conn, sql.pg)
        for name, _ddl in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
        rows: dict[str, int] = {}
        for table, statement in statements:
            t0 = time.perf_counter()
            result = conn.execute(text(statement), params)
            rows[table] = rows.get(table, 0) + result.rowcount
            seconds[table] = seconds.get(table, 0.0) + time.perf_counter() - t0
        t0 = time.perf_counter()
        for _name, ddl in indexes:
            conn.execute(text(ddl))
        seconds["indexes"] = time.perf_counter() - t0
        if sql.pg:
            _reset_sequences(conn)
        for name in HELPER_TABLES:
            conn.execute(text(f"DROP TABLE {name}"))
    return {
        "cases": n,
        "first_id": first_id,
        "rows": rows,
        "seconds": seconds,
        "load_s": time.perf_counter() - started,
        "state_bytes": state_bytes,
    }


def analyze(engine: Engine) -> float:
    """Planner statistics after the load; seconds. PostgreSQL: ``VACUUM ANALYZE`` (what autovacuum
    does soon after such a load). SQLite: the product's own ``refresh_statistics(full=True)``, as
    ``flask setup`` leaves a database (a sampled ``ANALYZE``)."""
    from app.db import refresh_statistics

    t0 = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        refresh_statistics(engine, full=True)
    return time.perf_counter() - t0

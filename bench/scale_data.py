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
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, inspect, select, text
from sqlalchemy.exc import DBAPIError

from app.clock import utcnow
from app.models import Group, ProcessDefinition, User
from bench import scale_shape
from bench.scale_shape import PATH, TIMERS, Case, Step

PROCESS_KEY = "complaint_handling"
TASK_ID = "5ca1e000-0000-4000-8000-"  # + 12 digits: fixed width like the engine's uuids
TIMER_TASK_ID = "5ca1e000-0000-4000-9000-"
FILLER_POOL = 1000
AUDIT_SLOTS = 2 * len(PATH) + 2  # audit ids per case: one per possible event


class Sql:
    """The few expressions the two databases spell differently."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"

    def ts(self, seconds: str) -> str:
        """A timestamp from Unix seconds, stored as the product stores it (NULL stays NULL)."""
        if self.pg:
            return f"to_timestamp({seconds})"
        return f"(datetime({seconds}, 'unixepoch') || '.000000')"

    def task_id(self, prefix: str, number: str) -> str:
        if self.pg:
            return f"('{prefix}' || lpad(({number})::text, 12, '0'))"
        return f"printf('{prefix}%012d', {number})"

    def order_by(self, columns: str) -> str:
        """SQLite appends rows in the order of the join's loops; sorting on PostgreSQL (its joins
        keep the helper table's order, which is time order) would spill gigabytes at a million."""
        return "" if self.pg else f" ORDER BY {columns}"

    def json(self, value: str) -> str:
        return f"CAST({value} AS json)" if self.pg else value


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
    "ready_assignee TEXT, ready_due BIGINT, timer_due BIGINT, variables TEXT",
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


# --- the product's tables, each in one INSERT ... SELECT ------------------------------------------
STEP_OF_CASE = "s.step <= c.last_step AND (s.approver IS NULL OR s.approver = c.approver)"
TASKS_FROM = (
    "FROM scale_case c CROSS JOIN scale_step s LEFT JOIN scale_user u ON u.group_key = COALESCE(s.group1, c.department)"
)
DONE = "(c.closed = 1 OR s.step < c.last_step)"
DOER = "CASE WHEN s.registrar = 1 THEN c.registered_by ELSE u.username END"
GROUPS_JSON = "COALESCE(s.groups_json, '[\"' || c.department || '\"]')"


def _instances(sql: Sql) -> str:
    updated = "c.created + CASE WHEN c.closed = 1 THEN (c.last_step + 1) ELSE c.last_step END * c.step_s"
    state = "'{\"bench_filler\": \"' || f.filler || '\", \"instance\": ' || c.id || '}'"
    return (
        "INSERT INTO process_instances (id, definition_id, process_key, version, business_key, status, state_json, "
        "variables, started_by, created_at, updated_at, ended_at, lock_version) "
        f"SELECT c.id, :definition_id, :process_key, :version, c.business_key, c.status, {state}, "
        f"{sql.json('c.variables')}, c.registered_by, {sql.ts('c.created')}, {sql.ts(updated)}, "
        f"CASE WHEN c.closed = 1 THEN {sql.ts(updated)} END, 1 "
        f"FROM scale_case c CROSS JOIN scale_filler f WHERE f.k = c.n % {FILLER_POOL}{sql.order_by('c.n')}"
    )


def _tasks(sql: Sql) -> str:
    created = "c.created + s.step * c.step_s"
    return (
        "INSERT INTO tasks (id, instance_id, process_key, element_id, name, lane, candidate_groups, assignee, "
        "form_key, state, created_at, due_at, completed_at, completed_by) "
        f"SELECT {sql.task_id(TASK_ID, 'c.id * 16 + s.step')}, c.id, :process_key, s.element_id, s.name, s.lane, "
        f"{sql.json(GROUPS_JSON)}, CASE WHEN {DONE} THEN {DOER} ELSE c.ready_assignee END, s.form_key, "
        f"CASE WHEN {DONE} THEN 'completed' ELSE 'ready' END, {sql.ts(created)}, "
        f"CASE WHEN {DONE} THEN {sql.ts(created + ' + 86400')} ELSE {sql.ts('c.ready_due')} END, "
        f"CASE WHEN {DONE} THEN {sql.ts(created + ' + c.step_s / 2')} END, CASE WHEN {DONE} THEN {DOER} END "
        f"{TASKS_FROM} WHERE {STEP_OF_CASE}{sql.order_by('c.n, s.step')}"
    )


def _candidate_groups(sql: Sql, ready_only: bool) -> list[str]:
    """One row per (task, group); with ``instance_groups`` in the schema only for ready tasks."""
    which = f"{STEP_OF_CASE} AND NOT {DONE}" if ready_only else STEP_OF_CASE
    task_id = sql.task_id(TASK_ID, "c.id * 16 + s.step")
    return [
        f"INSERT INTO task_candidate_groups (task_id, group_key) SELECT {task_id}, {group} "
        f"FROM scale_case c CROSS JOIN scale_step s WHERE {which} AND {group} IS NOT NULL"
        for group in ("COALESCE(s.group1, c.department)", "s.group2")
    ]


def _instance_groups() -> str:
    """Every group that ever had a task on the instance."""
    return (
        "INSERT INTO instance_groups (instance_id, group_key) "
        f"SELECT c.id, COALESCE(s.group1, c.department) FROM scale_case c CROSS JOIN scale_step s WHERE {STEP_OF_CASE} "
        f"UNION SELECT c.id, s.group2 FROM scale_case c CROSS JOIN scale_step s "
        f"WHERE {STEP_OF_CASE} AND s.group2 IS NOT NULL"
    )


def _timers(sql: Sql) -> str:
    """Open cases: one or two pending timers due in the coming weeks; closed ones: fired, cancelled."""
    closed_due = "c.created + 3 * c.step_s + t.slot * 3600"
    return (
        "INSERT INTO timers (id, instance_id, task_id, element_id, name, due_at, interrupting, attached_to, status, "
        "created_at, fired_at) "
        f"SELECT :timer0 + c.n * 2 + t.slot, c.id, {sql.task_id(TIMER_TASK_ID, 'c.id * 4 + t.slot')}, t.element_id, "
        f"t.name, CASE WHEN c.closed = 1 THEN {sql.ts(closed_due)} "
        f"ELSE {sql.ts('c.timer_due + t.slot * 7 * 86400')} END, {'false' if sql.pg else '0'}, NULL, "
        "CASE WHEN c.closed = 0 THEN 'pending' WHEN t.slot = 0 THEN 'fired' ELSE 'cancelled' END, "
        f"{sql.ts('c.created + 2 * c.step_s')}, CASE WHEN c.closed = 1 AND t.slot = 0 THEN {sql.ts(closed_due)} END "
        "FROM scale_case c CROSS JOIN scale_timer t WHERE t.slot = 0 OR c.n % 2 = 0" + sql.order_by("c.n, t.slot")
    )


def _audit(sql: Sql) -> str:
    """instance_started, task_created / task_completed per task, instance_completed when closed."""
    task_id = sql.task_id(TASK_ID, "c.id * 16 + s.step")
    detail = (
        "CASE e.type "
        "WHEN 'instance_started' THEN '{\"version\": ' || CAST(:version AS TEXT) || ', \"business_key\": \"' "
        "|| c.business_key || '\"}' "
        f"WHEN 'task_created' THEN '{{\"task_id\": \"' || {task_id} || '\", \"candidate_groups\": ' || {GROUPS_JSON} "
        "|| ', \"assignee\": null}' "
        f"WHEN 'task_completed' THEN '{{\"task_id\": \"' || {task_id} || '\", \"name\": \"' || s.name || '\"}}' "
        "ELSE '{}' END"
    )
    happened = (
        "(e.type = 'instance_started' OR (e.type = 'task_created' AND e.step <= c.last_step) "
        "OR (e.type = 'task_completed' AND (e.step < c.last_step OR c.closed = 1)) "
        "OR (e.type = 'instance_completed' AND c.closed = 1))"
    )
    actor = f"CASE e.type WHEN 'instance_started' THEN c.registered_by WHEN 'task_completed' THEN {DOER} END"
    return (
        "INSERT INTO audit_entries (id, instance_id, at, type, element_id, actor, detail) "
        f"SELECT :audit0 + c.n * {AUDIT_SLOTS} + e.seq, c.id, {sql.ts('c.created + e.half * c.step_s / 2')}, e.type, "
        f"s.element_id, {actor}, {sql.json(detail)} "
        "FROM scale_case c CROSS JOIN scale_event e "
        "LEFT JOIN scale_step s ON s.step = e.step AND (s.approver IS NULL OR s.approver = c.approver) "
        "LEFT JOIN scale_user u ON u.group_key = COALESCE(s.group1, c.department) "
        f"WHERE {happened}{sql.order_by('c.n, e.seq')}"
    )


def _incidents(sql: Sql) -> str:
    return (
        "INSERT INTO incidents (instance_id, element_id, message, created_at) "
        "SELECT c.id, NULL, 'send_email: the mail server refused the connection (generated)', "
        f"{sql.ts('c.created + c.last_step * c.step_s')} FROM scale_case c WHERE c.status = 'error'"
    )


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
    has_instance_groups = inspect(engine).has_table("instance_groups")
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
        statements = [("process_instances", _instances(sql)), ("tasks", _tasks(sql))]
        statements += [("task_candidate_groups", s) for s in _candidate_groups(sql, ready_only=has_instance_groups)]
        if has_instance_groups:
            statements.append(("instance_groups", _instance_groups()))
        statements += [("timers", _timers(sql)), ("audit_entries", _audit(sql)), ("incidents", _incidents(sql))]
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
        "instance_groups": has_instance_groups,
        "state_bytes": state_bytes,
    }


def analyze(engine: Engine) -> float:
    """Planner statistics after the load (PostgreSQL: VACUUM ANALYZE; SQLite: ANALYZE); seconds."""
    t0 = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
    return time.perf_counter() - t0


def reference_now() -> datetime:
    return utcnow()

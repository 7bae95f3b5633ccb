"""The SQL of the scale bench's generator: one ``INSERT ... SELECT`` per product table, joining the
helper tables ``bench.scale_data`` fills (``scale_case``: one row per case; ``scale_step``,
``scale_event``, ``scale_timer``: the flow's steps, history events and timers; ``scale_user``: one
demo user per group; ``scale_filler``: engine-state stand-ins), in the two databases' dialects."""

from __future__ import annotations

from bench.scale_shape import PATH

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
        "variables, started_by, created_at, updated_at, ended_at, lock_version, "
        "severity_level, customer_name, customer_name_key, customer_phone) "
        f"SELECT c.id, :definition_id, :process_key, :version, c.business_key, c.status, {state}, "
        f"{sql.json('c.variables')}, c.registered_by, {sql.ts('c.created')}, {sql.ts(updated)}, "
        f"CASE WHEN c.closed = 1 THEN {sql.ts(updated)} END, 1, "
        "c.severity_level, c.customer_name, c.customer_name_key, c.customer_phone "
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


def _candidate_groups(sql: Sql) -> list[str]:
    """One row per (ready task, group), with the task's sort keys (the product keeps candidate-group
    rows for open tasks only; which groups a case ever had is in ``instance_groups``)."""
    task_id = sql.task_id(TASK_ID, "c.id * 16 + s.step")
    created = sql.ts("c.created + s.step * c.step_s")
    return [
        f"INSERT INTO task_candidate_groups (task_id, group_key, created_at, due_at, assignee) "
        f"SELECT {task_id}, {group}, {created}, {sql.ts('c.ready_due')}, c.ready_assignee "
        f"FROM scale_case c CROSS JOIN scale_step s WHERE {STEP_OF_CASE} AND NOT {DONE} AND {group} IS NOT NULL"
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


def statements(sql: Sql) -> list[tuple[str, str]]:
    """(table, statement) in the order they run."""
    out = [("process_instances", _instances(sql)), ("tasks", _tasks(sql))]
    out += [("task_candidate_groups", s) for s in _candidate_groups(sql)]
    out.append(("instance_groups", _instance_groups()))
    return [*out, ("timers", _timers(sql)), ("audit_entries", _audit(sql)), ("incidents", _incidents(sql))]

"""GET /api/v1/tasks: bounded pages with a keyset cursor (shared/api-contract.md "Bounded lists"),
the same rows in the same order as one unpaginated page, and index-backed plans."""

from __future__ import annotations

import base64
import json

import pytest

from tests import query_plans
from tests.task_rows import Spec, instances, write

# quality's view of these: assigned to quality, or unassigned in a quality group; ties on created
# and due times on purpose (the id breaks them), tasks without a due time, tasks not ready.
SPECS = [
    Spec(["quality"], created=0, due=30, instance=0),
    Spec(["quality"], created=0, due=None, instance=1),
    Spec(["quality", "sales"], created=0, due=30, instance=0),
    Spec(["sales"], assignee="quality", created=1, due=5, instance=1),
    Spec(["quality"], assignee="sales", created=1, due=5, instance=0),
    Spec(["quality"], created=2, due=None, instance=0),
    Spec(["quality"], created=2, due=10, instance=1),
    Spec(["quality"], created=2, due=10, instance=1),
    Spec(["sales"], created=3, due=1, instance=0),
    Spec(["quality"], created=4, due=None, instance=1),
    Spec(["quality"], state="completed", created=4, due=2, instance=0),
    Spec(["quality"], assignee="quality", created=5, due=60, instance=0),
    Spec(["logistics"], created=5, due=None, instance=1),
    Spec(["quality"], created=6, due=20, instance=1),
]


@pytest.fixture
def seeded(rt):
    ids = instances(rt, 2)
    write(rt, ids, SPECS)
    return ids


def visible(user: str, groups: set[str], scope: str, admin: bool = False) -> list[Spec]:
    """The reference: what the inbox shows, computed in Python from the specs."""
    out = []
    for s in SPECS:
        if s.state != "ready":
            continue
        mine = s.assignee == user
        in_groups = bool(groups & set(s.groups))
        if scope == "mine":
            ok = mine
        elif scope == "all":
            ok = admin or mine or in_groups
        else:
            ok = mine or (s.assignee is None and in_groups)
        if ok:
            out.append(s)
    return out


def ordered(specs: list[Spec], sort: str) -> list[str]:
    if sort == "due":
        specs = sorted(specs, key=lambda s: (s.due is None, s.due or 0, s.created, s.id))
    else:
        specs = sorted(specs, key=lambda s: (s.created, s.id))
    return [s.id for s in specs]


def walk(api, query: str, limit: int) -> tuple[list[str], int]:
    """Every page of ``/tasks?query`` at ``limit`` rows: (ids in order, number of pages)."""
    ids: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = api.get(f"/tasks?{query}&limit={limit}" + (f"&cursor={cursor}" if cursor else ""), expect=200)
        pages += 1
        assert isinstance(page, list) and len(page) <= limit
        ids.extend(t["id"] for t in page)
        cursor = api.last.headers.get("X-Next-Cursor")
        if not cursor:
            return ids, pages
        assert len(page) == limit
        assert pages < 50


def test_a_bounded_page_with_a_working_cursor(login, seeded):
    quality = login("quality")
    first = quality.get("/tasks?limit=4", expect=200)
    assert len(first) == 4
    cursor = quality.last.headers["X-Next-Cursor"]
    second = quality.get(f"/tasks?limit=4&cursor={cursor}", expect=200)
    assert len(second) == 4 and not {t["id"] for t in first} & {t["id"] for t in second}
    everything = quality.get("/tasks", expect=200)  # default limit 50: one page, no header
    assert "X-Next-Cursor" not in quality.last.headers
    assert [t["id"] for t in first + second] == [t["id"] for t in everything][:8]


@pytest.mark.parametrize("sort", ["created", "due"])
@pytest.mark.parametrize(
    ("user", "groups", "scope", "admin"),
    [
        ("quality", {"quality"}, "group", False),
        ("quality", {"quality"}, "mine", False),
        ("quality", {"quality"}, "all", False),
        ("sales", {"sales"}, "group", False),
        ("admin", set(), "all", True),
    ],
)
def test_walking_every_page_gives_the_unpaginated_order(login, seeded, sort, user, groups, scope, admin):
    api = login(user)
    query = f"scope={scope}&sort={sort}"
    single = [t["id"] for t in api.get(f"/tasks?{query}&limit=500", expect=200)]
    assert "X-Next-Cursor" not in api.last.headers
    assert single == ordered(visible(user, groups, scope, admin), sort)
    paged, pages = walk(api, query, 3)
    assert paged == single
    assert pages == max(1, -(-len(single) // 3))


def test_filters_apply_before_paging(login, seeded):
    quality = login("quality")
    for instance_id, number in zip(seeded, (0, 1), strict=True):
        ids, _ = walk(quality, f"instance_id={instance_id}&sort=due", 2)
        expected = ordered([s for s in visible("quality", {"quality"}, "group") if s.instance == number], "due")
        assert ids == expected and ids
    mine, pages = walk(quality, "scope=mine", 1)
    assert mine == ordered(visible("quality", {"quality"}, "mine"), "created") and pages == 2


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_a_bad_cursor_is_400_naming_cursor(login, seeded):
    quality = login("quality")
    quality.get("/tasks?limit=2", expect=200)
    good = quality.last.headers["X-Next-Cursor"]
    payload = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    bad = [
        "not a cursor!",
        "%%%",
        _b64(b"\xff\xfe"),
        _b64(b"[1, 2]"),
        _b64(b"null"),
        _b64(json.dumps({**payload, "c": "yesterday"}).encode()),
        _b64(json.dumps({**payload, "c": "2026-01-01T00:00:00"}).encode()),  # no offset
        _b64(json.dumps({**payload, "i": 7}).encode()),
        _b64(json.dumps({**payload, "i": "x" * 37}).encode()),
        _b64(json.dumps({**payload, "d": ["2026"]}).encode()),
        _b64(json.dumps({**payload, "extra": 1}).encode()),
        good[:-3],
        "A" * 401,
    ]
    for cursor in bad:
        err = quality.get("/tasks", query_string={"cursor": cursor}, expect=400)
        assert err["error"]["details"][0]["field"] == "cursor", cursor
    err = quality.get(f"/tasks?sort=due&cursor={good}", expect=400)  # made for the created sort
    assert err["error"]["details"][0]["field"] == "cursor"


def test_limit_sort_and_scope_out_of_range_are_400(login, seeded):
    quality = login("quality")
    for query, field in (
        ("limit=0", "limit"),
        ("limit=501", "limit"),
        ("limit=-1", "limit"),
        ("limit=ten", "limit"),
        ("sort=name", "sort"),
        ("scope=everyone", "scope"),
    ):
        err = quality.get(f"/tasks?{query}", expect=400)
        assert err["error"]["details"][0]["field"] == field, query
    assert len(quality.get("/tasks?limit=500", expect=200)) == len(visible("quality", {"quality"}, "group"))
    assert len(quality.get("/tasks?limit=1", expect=200)) == 1


def test_the_openapi_document_describes_the_page(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    get = doc["paths"]["/tasks"]["get"]
    params = {p["name"]: p for p in get["parameters"]}
    assert {"limit", "cursor", "sort", "scope", "instance_id"} <= set(params)
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 500, "default": 50}
    ok = get["responses"]["200"]
    assert "X-Next-Cursor" in ok["headers"]
    assert ok["content"]["application/json"]["schema"]["type"] == "array"
    assert "400" in get["responses"]


def _bulk(rt, n: int = 20000) -> list[int]:
    """``n`` tasks over 300 instances: 70 % completed, the ready ones spread over four groups."""
    ids = instances(rt, 300, started_by="agent")
    groups = ["quality", "sales", "logistics", "aftersales"]
    specs = []
    for i in range(n):
        ready = i % 10 < 3
        group = groups[i % 4]
        specs.append(
            Spec(
                [group],
                assignee=None if i % 7 else group,
                state="ready" if ready else "completed",
                completed_by=None if ready else group,
                created=i,
                due=None if i % 5 == 0 else i + 60,
                instance=i,
            )
        )
    write(rt, ids, specs)
    return ids


def _plan(rt, stmt) -> str:
    return query_plans.plan(rt, stmt)


def _statements(rt, ids):
    """The inbox (quality's groups, a page of 51, both sorts, both scopes) and the visibility
    check of one instance, as the services build them."""
    from sqlalchemy import select

    from app.models import User
    from app.services import task_lists
    from app.services.visibility import visibility_check, visible_ids

    with rt.sessions() as s:
        quality = s.scalars(select(User).where(User.username == "quality")).one()
        return {
            "inbox": task_lists.ready_tasks(quality, scope="group", limit=51),
            "inbox_all": task_lists.ready_tasks(quality, scope="all", limit=51),
            "inbox_due": task_lists.ready_tasks(quality, scope="group", sort="due", limit=51),
            "inbox_instance": task_lists.ready_tasks(quality, scope="group", instance_id=ids[3], limit=51),
            "visibility": visibility_check(quality, ids[17]),
            "visible_list": visible_ids(quality, [], limit=50),
        }


def test_the_plans_use_the_indexes(rt):
    """PostgreSQL (after VACUUM ANALYZE, as autovacuum leaves a table): no SubPlan, no sequential
    scan of tasks, task_candidate_groups or instance_groups, the intended indexes; SQLite (after
    ANALYZE): EXPLAIN QUERY PLAN walks the same indexes and scans none of them whole. The inbox
    walks the user's own open tasks and each group's rows in the page's order; within one case
    it probes the case's few tasks for the groups instead. The instance list's visibility
    filter (no instance given) reaches its rows through the assignee,
    completed_by and instance-group indexes on both."""
    ids = _bulk(rt)
    plans = {name: _plan(rt, stmt) for name, stmt in _statements(rt, ids).items()}
    listing = plans.pop("visible_list")
    inbox = {name: plan for name, plan in plans.items() if name.startswith("inbox")}
    print(*(f"{name}:\n{plan}" for name, plan in plans.items()), listing, sep="\n")
    with rt.db.connect() as conn:
        dialect = conn.dialect.name
    if dialect == "postgresql":
        for name, plan in [*plans.items(), ("visible_list", listing)]:
            assert "SubPlan" not in plan, name
            # (instance_groups: a few hundred rows here, which PostgreSQL rightly reads whole for a list)
            for table in ("tasks", "task_candidate_groups", *(["instance_groups"] if name != "visible_list" else [])):
                assert f"Seq Scan on {table}" not in plan, (name, table)
        assert "task_candidate_groups_pkey" in plans["inbox_instance"]  # one probe per task of the case
        assert "ix_task_instance_state_created" in plans["inbox_instance"]
        assert "ix_task_assignee_instance" in plans["visibility"]
        assert "ix_task_completed_by_instance" in plans["visibility"]
        assert "instance_groups_pkey" in plans["visibility"] or "ix_instance_group_key" in plans["visibility"]
    else:
        for name, plan in [*plans.items(), ("visible_list", listing)]:
            lines = [line.strip() for line in plan.splitlines()]
            for table in ("tasks", "task_candidate_groups", "instance_groups"):
                assert f"SCAN {table}" not in lines, (name, table)
        probe = "sqlite_autoindex_task_candidate_groups_1 (task_id=? AND group_key=?)"
        assert probe in plans["inbox_instance"]
        for probe in (
            "ix_task_assignee_instance (assignee=? AND instance_id=?)",
            "ix_task_completed_by_instance (completed_by=? AND instance_id=?)",
            "instance_groups_1 (instance_id=? AND group_key=?)",
        ):
            assert probe in plans["visibility"], probe
    for name in ("inbox", "inbox_all", "inbox_due"):  # the user's own open tasks (either order: they are few)
        assert "ix_task_ready_assignee_" in inbox[name], name
    # each group's rows in the page's order: its unclaimed ones for the inbox, all of them for "all"
    assert "ix_task_group_unclaimed_created" in inbox["inbox"]
    assert "ix_task_group_unclaimed_due" in inbox["inbox_due"]
    assert "ix_task_group_created" in inbox["inbox_all"]
    for index in ("ix_task_assignee_instance", "ix_task_completed_by_instance", "ix_instance_group_key"):
        assert index in listing, index

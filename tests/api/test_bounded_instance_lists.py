"""GET /api/v1/process-instances: bounded pages (page numbers up to the count's cap, a keyset
cursor for any depth), a capped total, the same rows in the same order as one unpaginated
page for every filter, only the summary columns read, and index-backed plans."""

from __future__ import annotations

import base64
import re
import threading
from dataclasses import dataclass

import pytest
from sqlalchemy import event, select

from app.models import User
from app.services import instance_lists
from app.services.instance_lists import InstanceFilters, list_query
from tests import query_plans
from tests.task_rows import Spec, instance_rows, write


@dataclass
class Row:
    process_key: str
    status: str
    started_by: str
    id: int = 0
    business_key: str = ""


# 14 instances over two processes, three statuses and three registrars, in no filter's order
KEYS = ["flow_a", "flow_b", "flow_a", "flow_a", "flow_b", "flow_a", "flow_b"] * 2
STATUSES = ["running", "completed", "running", "error", "running", "completed", "running"] * 2
STARTERS = ["agent", "agent2", "agent", "quality", "agent", "agent2"] * 2 + ["agent", "agent2"]
# quality may see: what it registered, and instances with a task for it or its group (by position)
QUALITY_TASKS = [Spec(["quality"], instance=1), Spec(["sales"], assignee="quality", instance=8)]
QUALITY_TASKS += [Spec(["sales"], state="completed", completed_by="quality", instance=12)]
QUALITY_TASKS += [Spec(["sales"], instance=4), Spec(["logistics"], instance=6)]

FILTERS = [
    "",
    "process_key=flow_a",
    "process_key=flow_b",
    "status=running",
    "status=completed",
    "process_key=flow_a&status=running",
    "started_by=agent2",
    "started_by=me",
    "process_key=nothing",
]


@pytest.fixture
def seeded(rt) -> list[Row]:
    rows = [
        Row(k, s, b, business_key=f"IL{n:03d}")
        for n, (k, s, b) in enumerate(zip(KEYS, STATUSES, STARTERS, strict=True))
    ]
    columns = [
        {"process_key": r.process_key, "status": r.status, "started_by": r.started_by, "business_key": r.business_key}
        for r in rows
    ]
    for row, id_ in zip(rows, instance_rows(rt, columns), strict=True):
        row.id = id_
    write(rt, [r.id for r in rows], QUALITY_TASKS)
    return rows


def expected(rows: list[Row], query: str, me: str, only: set[int] | None = None) -> list[int]:
    """The reference, computed in Python: ids matching ``query``, newest first."""
    wanted = dict(part.split("=") for part in query.split("&") if part)
    if wanted.get("started_by") == "me":
        wanted["started_by"] = me
    hits = [r.id for r in rows if all(getattr(r, k) == v for k, v in wanted.items())]
    return sorted((i for i in hits if only is None or i in only), reverse=True)


def walk(api, query: str, per_page: int) -> tuple[list[int], int]:
    """Every page of ``query`` by cursor at ``per_page`` rows: (ids in order, number of pages)."""
    ids: list[int] = []
    cursor = None
    pages = 0
    while True:
        after = f"&cursor={cursor}" if cursor else ""  # urlsafe base64: nothing to escape
        page = api.get(f"/process-instances?{query}&per_page={per_page}{after}", expect=200)
        pages += 1
        assert len(page["items"]) <= per_page
        ids.extend(i["id"] for i in page["items"])
        cursor = page["next_cursor"]
        assert api.last.headers.get("X-Next-Cursor") == cursor
        if not cursor:
            return ids, pages
        assert len(page["items"]) == per_page
        assert pages < 50


def test_a_bounded_page_with_a_working_cursor(login, seeded):
    admin = login("admin")
    first = admin.get("/process-instances?per_page=4", expect=200)
    assert set(first) == {"items", "total", "total_is_exact", "next_cursor"}
    assert len(first["items"]) == 4 and first["total"] == 14 and first["total_is_exact"] is True
    assert admin.last.headers["X-Next-Cursor"] == first["next_cursor"]
    second = admin.get(f"/process-instances?per_page=4&cursor={first['next_cursor']}", expect=200)
    assert second["total"] == 14 and len(second["items"]) == 4
    everything = admin.get("/process-instances?per_page=200", expect=200)
    assert everything["next_cursor"] is None and "X-Next-Cursor" not in admin.last.headers
    assert [i["id"] for i in first["items"] + second["items"]] == [i["id"] for i in everything["items"]][:8]
    assert set(first["items"][0]) == {
        "id", "process_key", "version", "status", "business_key", "created_at", "updated_at", "ended_at", "started_by",
        "severity_level", "customer_name", "customer_phone",
    }  # fmt: skip


@pytest.mark.parametrize("query", FILTERS)
def test_walking_every_page_gives_the_unpaginated_order(login, seeded, query):
    admin = login("admin")
    single = admin.get(f"/process-instances?{query}&per_page=200", expect=200)
    ids = [i["id"] for i in single["items"]]
    assert ids == expected(seeded, query, "admin") and single["total"] == len(ids)
    paged, pages = walk(admin, query, 3)
    assert paged == ids
    assert pages == max(1, -(-len(ids) // 3))
    numbered: list[int] = []
    for number in range(1, pages + 1):  # page numbers still work, and agree with the cursor
        page = admin.get(f"/process-instances?{query}&per_page=3&page={number}", expect=200)
        assert page["total"] == len(ids) and page["total_is_exact"] is True
        numbered.extend(i["id"] for i in page["items"])
    assert numbered == ids


def test_a_business_key_finds_its_instance(login, seeded):
    row = seeded[5]
    found = login("admin").get(f"/process-instances?business_key={row.business_key}", expect=200)
    assert [i["id"] for i in found["items"]] == [row.id] and found["total"] == 1


@pytest.mark.parametrize("query", ["", "process_key=flow_a", "status=running", "started_by=me"])
def test_a_non_admin_sees_only_visible_instances_on_every_page(login, seeded, query):
    visible = {seeded[n].id for n in (1, 8, 12)} | {r.id for r in seeded if r.started_by == "quality"}
    quality = login("quality")
    paged, _ = walk(quality, query, 2)
    assert paged == expected(seeded, query, "quality", only=visible) and paged
    assert quality.get(f"/process-instances?{query}", expect=200)["total"] == len(paged)
    # customer service sees every complaint
    assert walk(login("agent2"), query, 3)[0] == expected(seeded, query, "agent2")


def test_the_total_is_capped(login, seeded, monkeypatch):
    monkeypatch.setattr(instance_lists, "COUNT_CAP", 5)
    admin = login("admin")
    page = admin.get("/process-instances?per_page=3", expect=200)
    assert (page["total"], page["total_is_exact"]) == (5, False)
    assert admin.get("/process-instances?per_page=5", expect=200)["total_is_exact"] is False
    small = admin.get("/process-instances?process_key=flow_b&status=completed", expect=200)
    assert (small["total"], small["total_is_exact"]) == (2, True)
    err = admin.get("/process-instances?per_page=3&page=2", expect=400)  # 6 rows deep > cap 5
    assert err["error"]["details"][0]["field"] == "page" and "cursor" in err["error"]["message"]
    ids, _ = walk(admin, "", 3)  # the cursor reaches every row
    assert ids == expected(seeded, "", "admin")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def test_bad_parameters_are_400_naming_the_field(login, seeded):
    admin = login("admin")
    good = admin.get("/process-instances?per_page=2", expect=200)["next_cursor"]
    admin.get("/tasks?limit=1", expect=200)
    bad_cursors = [
        "not a cursor!",
        "%%%",
        _b64(b"\xff\xfe"),
        _b64(b"[1, 2]"),
        _b64(b"null"),
        _b64(b'{"i": "7"}'),
        _b64(b'{"i": true}'),
        _b64(b'{"i": 0}'),
        _b64(b'{"i": -3}'),
        _b64(b'{"i": 1.5}'),
        _b64(b'{"i": 2147483648}'),
        _b64(b'{"i": 7, "x": 1}'),
        _b64(b'{"s":"created","c":"2026-01-01T00:00:00+00:00","d":null,"i":"x"}'),  # a task list's cursor
        good[:-2] + "!",
        "A" * 401,
    ]
    for cursor in bad_cursors:
        err = admin.get("/process-instances", query_string={"cursor": cursor}, expect=400)
        assert err["error"]["details"][0]["field"] == "cursor", cursor
    for query, field in (
        (f"cursor={good}&page=2", "page"),
        ("page=0", "page"),
        ("page=-1", "page"),
        ("page=x", "page"),
        ("page=501", "page"),  # 501 * 20 > 10,000: use the cursor
        ("per_page=201&page=1", "per_page"),
        ("per_page=0", "per_page"),
        ("per_page=200&page=51", "page"),
    ):
        err = admin.get(f"/process-instances?{query}", expect=400)
        assert err["error"]["details"][0]["field"] == field, query
    assert admin.get("/process-instances?page=500", expect=200)["items"] == []
    assert len(admin.get(f"/process-instances?cursor={good}&page=1", expect=200)["items"]) == 12


def test_the_list_reads_neither_engine_state_nor_variables(rt, login, seeded):
    """The SQL the list sends (this thread's statements only: the scheduler runs beside it)."""
    seen: list[str] = []
    me = threading.get_ident()

    def capture(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == me:
            seen.append(statement)

    event.listen(rt.db, "before_cursor_execute", capture)
    try:
        for api in (login("admin"), login("quality")):
            api.get("/process-instances?per_page=3", expect=200)
            api.get("/process-instances?status=running&per_page=3", expect=200)
    finally:
        event.remove(rt.db, "before_cursor_execute", capture)
    listing = [sql for sql in seen if "process_instances" in sql]
    assert len(listing) >= 4
    for sql in listing:
        assert "state_json" not in sql and "variables" not in sql and "process_definitions" not in sql, sql


def test_the_openapi_document_describes_the_page(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    get = doc["paths"]["/process-instances"]["get"]
    params = {p["name"]: p for p in get["parameters"]}
    assert {"page", "per_page", "cursor", "process_key", "status", "business_key", "started_by"} <= set(params)
    assert params["per_page"]["schema"]["maximum"] == 200 and "cursor" in params["page"]["description"]
    ok = get["responses"]["200"]
    assert "X-Next-Cursor" in ok["headers"]
    body = ok["content"]["application/json"]["schema"]
    assert {"items", "total", "total_is_exact", "next_cursor"} <= set(body["properties"])
    assert "400" in get["responses"]
    search = {"version", "severity", "overdue", "task", "group", "created_from", "created_to", "business_key_prefix"}
    assert search | {"customer", "counts", "format"} <= set(params)
    assert "status_counts" in body["properties"]
    export = doc["paths"]["/process-instances.csv"]["get"]
    assert "text/csv" in export["responses"]["200"]["content"] and "400" in export["responses"]
    assert "severity" in {p["name"] for p in export["parameters"]}


# --- plans ------------------------------------------------------------------------------
def _bulk(rt, n: int = 20000) -> None:
    """``n`` instances shaped like a year of complaints: the oldest 70 % completed, the newest
    running, a few in error; two common processes and a rare one; 500 registrars."""
    rows = []
    for i in range(n):
        key = "bulk_rare" if i % 200 == 7 else f"bulk_{i % 2}"
        status = "error" if i % 400 == 3 else ("completed" if i < n * 7 // 10 else "running")
        rows.append({"process_key": key, "status": status, "started_by": f"user{i % 500}"})
    instance_rows(rt, rows)


def _plan(rt, stmt) -> str:
    return query_plans.plan(rt, stmt)


PAGES = {  # name -> (filters, the index a page walks; None: the table itself, in id order)
    "none": (InstanceFilters(), None),
    "status": (InstanceFilters(status="error"), "ix_instance_status_id"),
    "process_key": (InstanceFilters(process_key="bulk_rare"), "ix_instance_key_id"),
    "key_and_status": (InstanceFilters(process_key="bulk_rare", status="running"), "ix_instance_key_status_id"),
    "started_by": (InstanceFilters(started_by="user7"), "ix_instance_started_by_id"),
}


def test_the_plans_use_the_indexes(rt):
    """Each filter's page (21 rows, as the list asks for 20) and its cursor page is an ordered walk
    of the filter's index with a Limit: no sequential scan and no sort of the table (PostgreSQL
    may fetch a page's few rows by a bitmap scan of the same index and sort those)."""
    _bulk(rt)
    deep = 15000  # a cursor page in the middle of the table
    plans = {}
    for name, (filters, _index) in PAGES.items():
        plans[name] = _plan(rt, list_query(None, filters, limit=21))
        plans[f"{name}, cursor"] = _plan(rt, list_query(None, filters, before=deep, limit=21))
    common = {  # a filter most rows pass: the planner may as well walk the primary key and filter
        status: _plan(rt, list_query(None, InstanceFilters(status=status), limit=21))
        for status in ("completed", "running")
    }
    with rt.sessions() as s:  # the statement is built while the user's groups can load
        quality = s.scalars(select(User).where(User.username == "quality")).one()
        quality_page = list_query(quality, InstanceFilters(), limit=21)
    visible_page = _plan(rt, quality_page)
    print(*(f"{name}:\n{plan}" for name, plan in (plans | common).items()), f"quality's:\n{visible_page}", sep="\n")
    with rt.db.connect() as conn:
        dialect = conn.dialect.name
    for name, plan in plans.items():
        assert "state_json" not in plan, name
        index = PAGES[name.removesuffix(", cursor")][1]
        if dialect == "postgresql":
            lines = [line.strip().removeprefix("->").strip() for line in plan.splitlines()]
            assert lines[0].startswith("Limit"), name
            assert "Seq Scan" not in plan, name
            # a sort only of the few rows an index condition found (a bitmap scan for a narrow page), never the table's
            sorted_rows = [int(m) for line in lines if line.startswith("Sort") for m in re.findall(r"rows=(\d+)", line)]
            assert all(n <= 100 for n in sorted_rows), name
            index = index or "process_instances_pkey"
            walks = (f"Index Scan Backward using {index} ", f"Index Only Scan Backward using {index} ")
            assert any(w in plan for w in walks) or (sorted_rows and f"Bitmap Index Scan on {index} " in plan), name
        elif index is not None:
            assert "USE TEMP B-TREE" not in plan and f"SEARCH process_instances USING INDEX {index} (" in plan, name
        else:  # the rowid table is in id order
            rowid_walk = ("SCAN process_instances", "SEARCH process_instances USING INTEGER PRIMARY KEY (rowid<?)")
            assert plan.strip() in rowid_walk, name
    for status, plan in common.items():
        assert "USE TEMP B-TREE" not in plan and "Seq Scan" not in plan and "Sort" not in plan, status

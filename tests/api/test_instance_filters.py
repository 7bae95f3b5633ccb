"""GET /api/v1/process-instances with the search filters (severity, customer name or phone,
registration-number prefix, version, date range, overdue, current task, group), alone and
combined: the same ids in the same order as a reference computed in Python from the product's
own tables, on every cursor page, for an admin and for a handler; counts per status; every bad
value a 400 naming its field; and the search columns written by the product's save path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.models import InstanceGroup, ProcessInstance, TaskCandidateGroup, TaskRecord
from app.services import instance_lists
from app.services.instance_search import name_key
from tests.api.test_bounded_instance_lists import walk
from tests.task_rows import Spec, instance_rows, write

CHINA = timezone(timedelta(hours=8))


def wide(text: str) -> str:
    """The full-width form of ASCII text (as a Chinese input method may type it)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# name, phone, severity, business key, process, version, status, started_by, created (minutes from day 0, China time)
CASES: list[tuple[Any, ...]] = [
    ("张三", "13800138000", "E", "TS20261101-000001", "complaint_handling", 1, "running", "agent", -1),
    ("张三丰", "13800138001", "B", "TS20261101-000002", "complaint_handling", 1, "running", "agent2", 0),
    ("李四", "13912345678", "C", "TS20261102-000003", "complaint_handling", 2, "completed", "agent", 24 * 60 - 1),
    ("Zhang  Wei", "01012345678", "B", "TS20261102-000004", "complaint_handling", 2, "running", "quality", 24 * 60),
    ("zhang li", "13800999999", "A", "XY20261103-000005", "other_flow", 1, "error", "agent", 2 * 24 * 60),
    (None, None, None, "XY20261103-000006", "other_flow", 1, "running", "agent2", 3 * 24 * 60),
    ("王五", "02087654321", "D", "TS20261104-000007", "complaint_handling", 2, "suspended", "agent", 4 * 24 * 60),
    ("张 三", "13800138002", "E", "TS20261104-000008", "complaint_handling", 1, "terminated", "agent", -3 * 24 * 60),
    ("%_", "13700000000", "C", "TS2026110%-000009", "complaint_handling", 2, "running", "agent2", 5),
    (wide("Zhang Full"), wide("138001"), "B", "TS20261105-000010", "complaint_handling", 1, "running", "agent", 60),
]
# open and finished tasks, by case position: element, groups, due (minutes from now; None: no deadline)
TASKS = [
    Spec(["quality"], instance=0, element="Task_A", due=-60),
    Spec(["sales"], instance=0, element="Task_B", due=120),
    Spec(["sales"], instance=1, element="Task_B", due=None),
    Spec(["quality"], instance=2, element="Task_A", due=-60, state="completed", completed_by="quality"),
    Spec(["quality", "sales"], instance=3, element="Task_A", due=30),
    Spec(["logistics"], instance=4, element="Task_C", due=-5),
    Spec(["sales"], instance=6, element="Task_A", due=-1, assignee="quality"),
    Spec(["quality"], instance=8, element="Task_B", due=500),
    Spec(["sales"], instance=9, element="Task_A", due=-30, state="completed", completed_by="sales"),
]


def day0() -> datetime:
    """Midnight (China time) ten days ago: the cases' days are then in the past."""
    today = utcnow().astimezone(CHINA).date()
    return datetime.combine(today - timedelta(days=10), datetime.min.time(), tzinfo=CHINA)


def day(offset: int) -> str:
    return (day0().date() + timedelta(days=offset)).isoformat()


@pytest.fixture
def cases(rt) -> list[int]:
    start = day0()
    rows = [
        {
            "customer_name": name,
            "customer_name_key": name_key(name),
            "customer_phone": "".join(c for c in (phone or "").translate(FULL_WIDTH) if c.isdigit()) or None,
            "severity_level": level,
            "business_key": key,
            "process_key": process,
            "version": version,
            "status": status,
            "started_by": starter,
            "created_at": (start + timedelta(minutes=minutes)).astimezone(UTC),
        }
        for name, phone, level, key, process, version, status, starter, minutes in CASES
    ]
    ids = instance_rows(rt, rows)
    write(rt, ids, TASKS)
    return ids


FULL_WIDTH = {0xFF10 + d: ord("0") + d for d in range(10)}


def reference(rt, query: dict[str, str], viewer: str = "admin") -> list[int]:
    """The ids ``query`` should list, newest first, from the product's tables and plain Python."""
    now = utcnow()
    with rt.sessions() as s:
        instances = s.scalars(select(ProcessInstance)).all()
        tasks = s.execute(select(TaskRecord.instance_id, TaskRecord.element_id, TaskRecord.state, TaskRecord.due_at))
        tasks = tasks.all()
        groups = s.execute(
            select(TaskRecord.instance_id, TaskCandidateGroup.group_key).join(
                TaskRecord, TaskRecord.id == TaskCandidateGroup.task_id
            )
        ).all()
        people = s.execute(select(TaskRecord.instance_id, TaskRecord.assignee, TaskRecord.completed_by)).all()
        ever = s.execute(select(InstanceGroup.instance_id, InstanceGroup.group_key)).all()
    open_tasks = [t for t in tasks if t.state == "ready"]
    seen = None
    if viewer == "quality":  # registered it, holds or did a task, or a group of theirs had one
        seen = {m.id for m in instances if m.started_by == viewer}
        seen |= {p.instance_id for p in people if viewer in (p.assignee, p.completed_by)}
        seen |= {g.instance_id for g in ever if g.group_key == "quality"}

    def starts(value: str | None, prefix: str) -> bool:
        return value is not None and value.startswith(prefix)

    def keep(m: ProcessInstance) -> bool:
        local_day = m.created_at.astimezone(CHINA).date().isoformat()
        customer = query.get("customer", "")
        digits = "".join(c for c in customer if c.isdigit())
        checks = {
            "severity": lambda v: m.severity_level == v.upper(),
            "status": lambda v: m.status == v,
            "process_key": lambda v: m.process_key == v,
            "version": lambda v: m.version == int(v),
            "business_key_prefix": lambda v: starts(m.business_key, v.upper()),
            "customer": lambda v: starts(m.customer_phone, digits)
            if len(digits) >= 3 and not set(customer) - set("0123456789 -+()")
            else starts(m.customer_name_key, name_key(v) or ""),
            "created_from": lambda v: local_day >= v,
            "created_to": lambda v: local_day <= v,
            "overdue": lambda v: (v == "true")
            == any(t.instance_id == m.id and t.due_at is not None and t.due_at < now for t in open_tasks),
            "task": lambda v: any(t.instance_id == m.id and t.element_id == v for t in open_tasks),
            "group": lambda v: any(g.instance_id == m.id and g.group_key == v for g in groups),
            "started_by": lambda v: m.started_by == (viewer if v == "me" else v),
        }
        return all(checks[k](v) for k, v in query.items())

    return sorted((m.id for m in instances if keep(m) and (seen is None or m.id in seen)), reverse=True)


def _q(query: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(query)


SINGLE = [
    {"severity": "B"},
    {"severity": "c"},
    {"customer": "张三"},
    {"customer": "张 三"},
    {"customer": "zhang"},
    {"customer": "ZHANG W"},
    {"customer": "zhang full"},  # full-width letters are searched as their plain form
    {"customer": "138"},
    {"customer": "139-1234"},
    {"customer": "138001"},
    {"customer": "%_"},  # no wildcard: only the name that starts with these two characters
    {"customer": "%"},
    {"business_key_prefix": "ts2026110"},
    {"business_key_prefix": "TS2026110%"},
    {"business_key_prefix": "XY"},
    {"version": "2"},
    {"process_key": "complaint_handling", "version": "1"},
    {"created_from": "D0", "created_to": "D0"},
    {"created_from": "D1"},
    {"created_to": "D-1"},
    {"overdue": "true"},
    {"overdue": "false"},
    {"task": "Task_A"},
    {"task": "Task_B"},
    {"group": "sales"},
    {"group": "quality"},
    {"status": "running"},
]
COMBINED = [
    {"severity": "B", "status": "running"},
    {"customer": "zhang", "severity": "B", "created_from": "D1"},
    {"group": "sales", "overdue": "true"},
    {"task": "Task_A", "group": "quality", "process_key": "complaint_handling"},
    {"business_key_prefix": "TS", "customer": "138", "status": "running", "version": "1"},
    {"started_by": "me", "created_from": "D-1", "created_to": "D0"},
]


def _days(query: dict[str, str]) -> dict[str, str]:
    """``D<n>``: the case's day ``n`` (China time)."""
    return {k: day(int(v[1:])) if k.startswith("created_") else v for k, v in query.items()}


@pytest.mark.parametrize("query", SINGLE + COMBINED, ids=lambda q: _q(q))
def test_each_filter_lists_what_the_tables_say(rt, login, cases, query):
    query = _days(query)
    admin = login("admin")
    want = reference(rt, query)
    page = admin.get(f"/process-instances?{_q(query)}&per_page=200", expect=200)
    assert [i["id"] for i in page["items"]] == want and page["total"] == len(want)
    assert walk(admin, _q(query), 2)[0] == want  # every cursor page, in order


def test_the_filters_narrow_something_and_the_reference_is_not_trivial(rt, cases):
    """Each single filter keeps some cases and drops others (else the comparison proves little)."""
    everything = reference(rt, {})
    for query in SINGLE[:-1]:
        hits = reference(rt, _days(query))
        assert 0 < len(hits) < len(everything), query
    assert reference(rt, {"customer": "%"}) == [cases[8]]  # a literal '%', not "anything"


@pytest.mark.parametrize(
    "query",
    [{}, {"severity": "B"}, {"group": "sales"}, {"overdue": "true"}, {"customer": "zhang"}, {"task": "Task_B"}],
    ids=_q,
)
def test_a_handler_gets_only_the_cases_they_may_see(rt, login, cases, query):
    quality = login("quality")
    want = reference(rt, query, viewer="quality")
    assert walk(quality, _q(query), 2)[0] == want
    assert quality.get(f"/process-instances?{_q(query)}", expect=200)["total"] == len(want)
    assert len(want) < len(reference(rt, query))  # something is hidden from them


def test_counts_per_status_follow_the_other_filters(rt, login, cases):
    admin = login("admin")
    for query in ({}, {"customer": "zhang"}, {"severity": "B", "status": "completed"}):
        body = admin.get(f"/process-instances?{_q(query)}&counts=status", expect=200)
        others = {k: v for k, v in query.items() if k != "status"}
        expected = {s: len(reference(rt, {**others, "status": s})) for s in instance_lists.STATUSES}
        assert {s: c["total"] for s, c in body["status_counts"].items()} == expected
        assert all(c["total_is_exact"] for c in body["status_counts"].values())
    assert "status_counts" not in admin.get("/process-instances", expect=200)


def test_counts_per_status_are_capped(rt, login, cases, monkeypatch):
    monkeypatch.setattr(instance_lists, "COUNT_CAP", 3)
    counts = login("admin").get("/process-instances?counts=status", expect=200)["status_counts"]
    assert counts["running"] == {"total": 3, "total_is_exact": False}  # 6 running
    assert counts["error"] == {"total": 1, "total_is_exact": True}


BAD = [
    ("version=x", "version"),
    ("version=0", "version"),
    ("version=99999999999", "version"),
    ("status=lost", "status"),
    ("severity=F", "severity"),
    ("severity=AB", "severity"),
    ("overdue=maybe", "overdue"),
    ("created_from=2026-13-01", "created_from"),
    ("created_from=2026/11/01", "created_from"),
    ("created_to=yesterday", "created_to"),
    ("created_from=2026-11-02&created_to=2026-11-01", "created_to"),
    ("customer=" + "x" * 201, "customer"),
    ("task=" + "T" * 201, "task"),
    ("group=a%00b", "group"),
    ("format=xml", "format"),
    ("counts=all", "counts"),
]


@pytest.mark.parametrize(("query", "field"), BAD)
def test_a_bad_filter_is_a_400_naming_the_field(login, cases, query, field):
    err = login("admin").get(f"/process-instances?{query}", expect=400)
    assert [d["field"] for d in err["error"]["details"]] == [field]
    assert field in err["error"]["message"] and err["error"]["details"][0]["message"]


def test_every_bad_filter_is_named_at_once(login, cases):
    err = login("admin").get("/process-instances?severity=Z&version=-1&created_to=x", expect=400)
    assert {d["field"] for d in err["error"]["details"]} == {"severity", "version", "created_to"}


def test_the_save_path_writes_the_search_columns(rt, login):
    """A complaint started through the API: its name, phone and severity level are on the row
    (written by instances.save from the variables) and the list finds it by them."""
    agent = login("agent")
    intake = {
        "channel": "phone",
        "complainant": {"name": "  " + wide("Li") + "  Xiao ", "phone": "010-12345678"},
        "description": "牛奶有异味",
    }
    started = agent.post("/process-instances", json={"process_key": "complaint_handling", "variables": intake})
    assert agent.last.status_code == 201, started
    with rt.sessions() as s:
        row = s.get(ProcessInstance, started["id"])
        assert row is not None
        level = (row.variables.get("severity") or {}).get("level")
        shown = wide("Li") + " Xiao"
        assert (row.customer_name, row.customer_name_key, row.customer_phone) == (shown, "li xiao", "01012345678")
        assert row.severity_level == level and level in ("A", "B", "C", "D", "E")
    admin = login("admin")
    for query in (f"customer=LI%20x&severity={level}", "customer=010-1234", "customer=li"):
        found = admin.get(f"/process-instances?{query}", expect=200)["items"]
        assert [i["id"] for i in found] == [started["id"]], query
        assert found[0]["customer_name"] == wide("Li") + " Xiao" and found[0]["severity_level"] == level


def test_a_date_range_is_in_china_time_and_inclusive(rt, login, cases):
    """Day 0 runs from 00:00 to 23:59 China time: the case a minute before is the day before."""
    ids = cases
    page = login("admin").get(f"/process-instances?created_from={day(0)}&created_to={day(0)}", expect=200)
    assert {i["id"] for i in page["items"]} == {ids[1], ids[2], ids[8], ids[9]}
    before = login("admin").get(f"/process-instances?created_to={day(-1)}", expect=200)
    assert {i["id"] for i in before["items"]} == {ids[0], ids[7]}

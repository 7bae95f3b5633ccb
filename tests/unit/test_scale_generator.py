"""The scale bench's bulk generator (bench/scale_data.py) on the test database: the shape the
bench report describes, and the product's own reads working on what it wrote."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from app.models import InstanceGroup, ProcessInstance, TaskCandidateGroup, TaskRecord, TimerRecord
from app.services.instances import business_key_for
from bench import scale_data

N = 500


@pytest.fixture
def generated(rt):
    return scale_data.generate(rt.db, N, state_bytes=300)


def test_shape_of_the_generated_cases(rt, generated):
    first = generated["first_id"]
    with rt.sessions() as s:
        cases = list(s.scalars(select(ProcessInstance).order_by(ProcessInstance.id)))
        tasks = list(s.scalars(select(TaskRecord)))
        groups = list(
            s.execute(
                select(
                    TaskCandidateGroup.task_id,
                    TaskCandidateGroup.group_key,
                    TaskCandidateGroup.created_at,
                    TaskCandidateGroup.due_at,
                    TaskCandidateGroup.assignee,
                )
            )
        )
        timers = list(s.execute(select(TimerRecord.instance_id, TimerRecord.status)))
        instance_groups = set(s.execute(select(InstanceGroup.instance_id, InstanceGroup.group_key)))
    assert [c.id for c in cases] == list(range(first, first + N))
    status = Counter(c.status for c in cases)
    assert 0.6 * N < status["completed"] < 0.8 * N
    assert status["running"] > 0.2 * N
    open_ids = {c.id for c in cases if c.status != "completed"}

    ready = Counter(t.instance_id for t in tasks if t.state == "ready")
    assert set(ready) == open_ids
    assert set(ready.values()) == {1}
    finished = [t for t in tasks if t.state == "completed"]
    assert all(t.completed_by and t.completed_at for t in finished)
    assert len(finished) > 6 * status["completed"]

    # candidate-group rows only for ready tasks, with their sort keys; every group that ever had a
    # task in instance_groups
    rows: dict[str, set[str]] = {}
    by_id = {t.id: t for t in tasks}
    for task_id, group, created_at, due_at, assignee in groups:
        rows.setdefault(task_id, set()).add(group)
        task = by_id[task_id]
        assert (created_at, due_at, assignee) == (task.created_at, task.due_at, task.assignee)
    for t in tasks:
        assert rows.get(t.id, set()) == (set(t.candidate_groups) if t.state == "ready" else set()), t.element_id
    assert instance_groups == {(t.instance_id, g) for t in tasks for g in t.candidate_groups}
    quality = {t.instance_id for t in tasks if t.state == "ready" and "quality" in t.candidate_groups}
    assert len(quality) > 0.05 * len(open_ids)

    keys = [c.business_key for c in cases]
    assert len(set(keys)) == N
    assert all(c.business_key == business_key_for("TS", c) for c in cases)
    pending = Counter(i for i, st in timers if st == "pending")
    assert set(pending) == open_ids and set(pending.values()) <= {1, 2}


def test_the_product_reads_the_generated_cases(login, generated):
    quality = login("quality")
    page = quality.get("/tasks", expect=200)
    assert 0 < len(page) <= 50
    assert all("quality" in t["candidate_groups"] or t["assignee"] == "quality" for t in page)
    if len(page) == 50:
        cursor = quality.last.headers["X-Next-Cursor"]
        assert quality.get(f"/tasks?cursor={cursor}", expect=200)
    admin = login("admin")
    first = generated["first_id"]
    case = admin.get(f"/process-instances/{first + N // 2}", expect=200)
    assert case["business_key"].startswith("TS")
    assert case["variables"]["registration_number"] == case["business_key"]


def test_the_generated_cases_carry_the_search_columns(rt, generated):
    """The bench fills the instance list's search columns as the product's save path would."""
    from app.services.instance_search import name_key

    with rt.sessions() as s:
        cases = list(s.scalars(select(ProcessInstance)))
    levels = Counter(c.severity_level for c in cases)
    assert set(levels) == {"A", "B", "C", "D", "E"} and levels["E"] > levels["A"]
    for c in cases:
        assert c.customer_name == c.variables["customer_name"] and c.customer_name_key == name_key(c.customer_name)
        assert c.customer_phone == c.variables["customer_phone"] and c.customer_phone.isdigit()

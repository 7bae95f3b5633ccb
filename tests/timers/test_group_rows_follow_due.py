"""Issue 10: a group's inbox orders by the due time its rows repeat, so when a cycle timer moves
a task's due time, the task's group rows move with it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.models import TaskCandidateGroup
from tests.timers import diagrams


def _group_due(rt, task_id: str) -> list[datetime | None]:
    with rt.sessions() as s:
        return list(s.scalars(select(TaskCandidateGroup.due_at).where(TaskCandidateGroup.task_id == task_id)))


def test_a_moved_due_time_moves_the_group_rows(rt, flow):
    flow.deploy(diagrams.cycle("t_group_due", "R3/PT1H"))
    inst = flow.start("t_group_due")
    [task] = inst["tasks"]
    first = datetime.fromisoformat(task["due_at"])
    assert _group_due(rt, task["id"]) == [first]
    assert flow.advance(3600 + 1) == 1
    [moved] = [t for t in flow.instance(inst["id"])["tasks"] if t["id"] == task["id"]]
    second = datetime.fromisoformat(moved["due_at"])
    assert second > first and _group_due(rt, task["id"]) == [second]
    due_sorted = flow.agent.get("/tasks?sort=due&limit=500", expect=200)
    assert task["id"] in {t["id"] for t in due_sorted}

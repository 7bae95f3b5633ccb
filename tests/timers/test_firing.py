"""Timers fire on time, exactly once, through the simulated clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.clock import clock
from tests.timers import diagrams


def _types(inst):
    return [h["type"] for h in inst["history"]]


def test_interrupting_boundary_timer_cancels_task_and_escalates(flow):
    flow.deploy(diagrams.boundary("t_int", "PT24H", interrupting=True))
    inst = flow.start("t_int")
    [task] = inst["tasks"]
    due = datetime.fromisoformat(task["due_at"])
    assert inst["timers"] == [
        {"element_id": "late", "name": "Reply late", "due_at": task["due_at"], "interrupting": True}
    ]
    assert flow.advance(24 * 3600 - 60) == 0  # one minute early: nothing
    assert flow.instance(inst["id"])["tasks"][0]["element_id"] == "reply"
    assert flow.advance(120) == 1
    after = flow.instance(inst["id"])
    assert [t["element_id"] for t in after["tasks"]] == ["escalated"]
    assert after["tasks"][0]["candidate_groups"] == ["cs_supervisors"]
    assert after["timers"] == []
    fired = [h for h in after["history"] if h["type"] == "timer_fired"]
    assert [(h["element_id"], h["actor"]) for h in fired] == [("late", None)]
    assert datetime.fromisoformat(fired[0]["at"]) >= due
    flow.agent.post(f"/tasks/{task['id']}/complete", json={"data": {}}, expect=409)  # cancelled by the timer
    assert flow.advance(7 * 24 * 3600) == 0  # never twice


def test_non_interrupting_timer_keeps_the_task(flow):
    flow.deploy(diagrams.boundary("t_nonint", "PT12H", interrupting=False))
    inst = flow.start("t_nonint")
    assert flow.advance(12 * 3600 + 1) == 1
    after = flow.instance(inst["id"])
    assert sorted(t["element_id"] for t in after["tasks"]) == ["escalated", "reply"]
    reply = next(t for t in after["tasks"] if t["element_id"] == "reply")
    done = flow.agent.post(f"/tasks/{reply['id']}/complete", json={"data": {}}, expect=200)["instance"]
    assert [t["element_id"] for t in done["tasks"]] == ["escalated"]


def test_reminder_then_breach_fire_in_due_order_in_one_advance(flow):
    flow.deploy(diagrams.reminder_and_breach("t_rb"))
    before = clock.now()
    inst = flow.start("t_rb")
    after = clock.now()
    [task] = inst["tasks"]
    due = datetime.fromisoformat(task["due_at"])  # the breach, not the reminder
    assert before + timedelta(hours=24) <= due <= after + timedelta(hours=24)
    assert flow.advance(3 * 24 * 3600) == 2
    after = flow.instance(inst["id"])
    fired = [h for h in after["history"] if h["type"] == "timer_fired"]
    assert [h["element_id"] for h in fired] == ["reminder", "breach"]
    created = datetime.fromisoformat(inst["created_at"])
    # the clock stops at each due time on the way, so each fired at its own moment
    assert timedelta(hours=18) <= datetime.fromisoformat(fired[0]["at"]) - created < timedelta(hours=18, minutes=1)
    assert timedelta(hours=24) <= datetime.fromisoformat(fired[1]["at"]) - created < timedelta(hours=24, minutes=1)
    assert [t["element_id"] for t in after["tasks"]] == ["escalated"]


def test_intermediate_timer_waits_then_continues(flow):
    flow.deploy(diagrams.intermediate("t_wait", "P2D"))
    inst = flow.start("t_wait")
    assert inst["tasks"] == [] and [t["element_id"] for t in inst["timers"]] == ["wait"]
    assert flow.advance(2 * 24 * 3600 + 1) == 1
    assert [t["element_id"] for t in flow.instance(inst["id"])["tasks"]] == ["after"]


def test_date_timer_fires_at_its_date(flow):
    target = (flow.now() + timedelta(days=3)).replace(microsecond=0)
    flow.deploy(diagrams.intermediate("t_date", "wake_at", tag="timeDate"))
    inst = flow.start("t_date", {"wake_at": target.isoformat()})
    assert datetime.fromisoformat(inst["timers"][0]["due_at"]) == target
    flow.advance(3 * 24 * 3600 - 10)
    assert flow.instance(inst["id"])["tasks"] == []
    assert flow.advance(20) == 1


def test_cycle_timer_fires_each_repetition_once(flow):
    flow.deploy(diagrams.cycle("t_cycle", "R3/PT1H"))
    inst = flow.start("t_cycle")
    assert flow.advance(10 * 3600) == 3
    after = flow.instance(inst["id"])
    assert [h["element_id"] for h in after["history"] if h["type"] == "timer_fired"] == ["nag"] * 3
    assert after["timers"] == []


def test_suspended_instance_does_not_fire_until_resumed(flow):
    flow.deploy(diagrams.boundary("t_susp", "PT1H", interrupting=True))
    inst = flow.start("t_susp")
    flow.admin.post(f"/process-instances/{inst['id']}/suspend", expect=200)
    assert flow.advance(2 * 3600) == 0
    assert _types(flow.instance(inst["id"])).count("timer_fired") == 0
    flow.admin.post(f"/process-instances/{inst['id']}/resume", expect=200)
    flow.advance(1)  # overdue: fires at once after resume (the background scheduler may be first)
    after = flow.instance(inst["id"])
    assert _types(after).count("timer_fired") == 1
    assert [t["element_id"] for t in after["tasks"]] == ["escalated"]


def test_completing_the_task_cancels_its_timer(flow):
    flow.deploy(diagrams.boundary("t_done", "PT1H", interrupting=True))
    inst = flow.start("t_done")
    [task] = inst["tasks"]
    flow.agent.post(f"/tasks/{task['id']}/complete", json={"data": {}}, expect=200)
    assert flow.instance(inst["id"])["timers"] == []
    assert flow.advance(2 * 3600) == 0


def test_clock_api_validation(flow):
    flow.admin.post("/admin/clock", json={"advance_seconds": -1}, expect=422)
    flow.admin.post("/admin/clock", json={"now": "yesterday"}, expect=422)
    flow.admin.post("/admin/clock", json={"now": "2001-01-01T00:00:00+00:00"}, expect=409)
    flow.admin.post("/admin/clock", json={}, expect=400)
    flow.agent.post("/admin/clock", json={"advance_seconds": 1}, expect=403)
    later = (flow.now() + timedelta(hours=1)).isoformat()
    assert flow.admin.post("/admin/clock", json={"now": later}, expect=200)["now"] >= later


def test_task_inside_a_subprocess_takes_the_subprocess_deadline(flow):
    flow.deploy(diagrams.subprocess_deadline("t_sub"))
    inst = flow.start("t_sub")
    [task] = inst["tasks"]
    [timer] = inst["timers"]
    assert task["element_id"] == "work" and timer["element_id"] == "handling_late"
    assert task["due_at"] == timer["due_at"]

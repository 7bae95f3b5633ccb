"""Processes with a timer start event: deploying one makes an instance wait for the timer."""

from __future__ import annotations

from tests.timers import diagrams


def _instances(flow, key):
    return flow.admin.get(f"/process-instances?process_key={key}", expect=200)["items"]


def test_deploying_a_timer_start_process_waits_then_runs_on_each_cycle(flow, login):
    flow.deploy(diagrams.timer_start("t_start", "R2/PT24H"))
    [inst] = _instances(flow, "t_start")
    assert inst["started_by"] == "timer-start" and inst["status"] == "running"
    full = flow.instance(inst["id"])
    assert full["tasks"] == [] and [t["element_id"] for t in full["timers"]] == ["tick"]
    assert flow.advance(24 * 3600 + 1) == 1
    supervisor = login("supervisor")
    assert [t["element_id"] for t in supervisor.get(f"/tasks?instance_id={inst['id']}", expect=200)] == ["review"]
    assert flow.advance(24 * 3600) == 1  # second (and last) repetition
    assert len(supervisor.get(f"/tasks?instance_id={inst['id']}", expect=200)) == 2
    assert flow.advance(5 * 24 * 3600) == 0


def test_redeploy_replaces_the_waiting_timer_start_instance(flow):
    flow.deploy(diagrams.timer_start("t_start2", "R/P1D"))
    [old] = _instances(flow, "t_start2")
    flow.deploy(diagrams.timer_start("t_start2", "R/P1D", script="runs = 2"))
    items = {i["version"]: i for i in _instances(flow, "t_start2")}
    assert items[1]["status"] == "terminated" and items[2]["status"] == "running"
    assert old["id"] == items[1]["id"]
    assert flow.advance(24 * 3600 + 1) == 1  # only the new version's timer fires
    assert flow.instance(items[2]["id"])["variables"]["runs"] == 2

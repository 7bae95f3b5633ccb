"""Hostile timers (diagrams in tests/hostile/): each is an incident on its own instance, the
other instances' timers fire on time, and a failed timer waits for an admin's retry."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update

from app.models import Incident, ProcessInstance, TimerRecord
from tests.timers import diagrams

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"


def _deploy(flow, name: str, expect: int = 201):
    return flow.login("analyst").deploy((HOSTILE / f"{name}.bpmn").read_bytes(), expect=expect)


def _incidents(flow, instance_id: int) -> list[dict]:
    return flow.admin.get(f"/process-instances/{instance_id}", expect=200)["incidents"]


def test_zero_length_cycle_is_refused_at_deploy_naming_the_event(flow):
    body = _deploy(flow, "hostile_timer_zero_cycle", expect=422)
    assert body["error"]["details"] == [
        {
            "element_id": "hostile_timer",
            "rule": "timer",
            "message": "timer refused: a cycle timer repeating every 0 s is shorter than the limit of 0.1 s",
        }
    ]


def test_constant_timer_values_out_of_range_are_refused_at_deploy(flow):
    for value, words in (("P99999999D", "longer than the limit"), ("R5/PT0.01S", "shorter than the limit")):
        tag = "timeCycle" if value.startswith("R") else "timeDuration"
        body = flow.login("analyst").deploy(
            diagrams.boundary("bad_constant", value, interrupting=False, tag=tag), expect=422
        )
        [detail] = body["error"]["details"]
        assert detail["element_id"] == "late" and words in detail["message"], detail


def test_zero_length_cycle_computed_at_run_time_is_an_incident(flow):
    _deploy(flow, "hostile_timer_zero_cycle_expression")
    inst = flow.start("hostile_timer_zero_cycle_expression", {"seconds": 0})
    assert inst["status"] == "error"
    [incident] = _incidents(flow, inst["id"])
    assert incident["element_id"] == "hostile_timer"
    assert "shorter than the limit" in incident["message"]
    assert flow.advance(3600) == 0  # nothing loops, nothing fires


def test_cycle_without_count_is_capped(flow, rt, monkeypatch):
    from app.engine import clock_seam

    monkeypatch.setattr(clock_seam, "_limits", clock_seam.TimerLimits(max_cycles=3, min_cycle_seconds=0.1))
    _deploy(flow, "hostile_timer_zero_cycle_expression")
    inst = flow.start("hostile_timer_zero_cycle_expression", {"seconds": 60})
    assert inst["status"] == "running"
    assert flow.advance(24 * 3600) == 3  # R/PT60S would repeat forever: three times here
    with rt.sessions() as s:
        fired = s.scalars(select(TimerRecord.status).where(TimerRecord.instance_id == inst["id"])).all()
    assert sorted(fired) == ["fired"] * 3


def test_duration_that_overflows_the_calendar_is_an_incident(flow):
    _deploy(flow, "hostile_timer_huge_duration")
    inst = flow.start("hostile_timer_huge_duration")
    assert inst["status"] == "error"
    [incident] = _incidents(flow, inst["id"])
    assert incident["element_id"] == "hostile_timer"
    assert "longer than the limit" in incident["message"]
    # the instance still answers, and the user task before the timer can be done
    [task] = flow.instance(inst["id"])["tasks"]
    flow.agent.post(f"/tasks/{task['id']}/complete", json={"data": {}}, expect=200)


def test_poisoned_timer_is_an_incident_and_the_others_fire_on_time(flow, rt):
    _deploy(flow, "hostile_timer_poisoned")
    flow.deploy(diagrams.boundary("t_other", "PT2H", interrupting=True))
    poisoned = flow.start("hostile_timer_poisoned")
    other = flow.start("t_other")
    assert flow.advance(3 * 3600) == 2  # both fired; the poisoned one's path failed
    assert [t["element_id"] for t in flow.instance(other["id"])["tasks"]] == ["escalated"]
    [incident] = _incidents(flow, poisoned["id"])
    assert incident["element_id"] == "poison" and "cannot be stored" in incident["message"]
    assert flow.advance(3 * 3600) == 0  # fired once, never again
    assert len(_incidents(flow, poisoned["id"])) == 1
    assert flow.admin.get("/health", expect=200)["incidents"] == 1


def test_timer_of_an_instance_that_cannot_load_fails_alone_and_waits_for_retry(flow, rt):
    flow.deploy(diagrams.boundary("t_broken", "PT1H", interrupting=True))
    flow.deploy(diagrams.boundary("t_fine", "PT2H", interrupting=True))
    broken = flow.start("t_broken")
    fine = flow.start("t_fine")
    good_state = _state(rt, broken["id"])
    with rt.sessions() as s:  # e.g. a bad manual edit or migration of one instance
        s.execute(update(ProcessInstance).where(ProcessInstance.id == broken["id"]).values(state_json="{}"))
        s.commit()
    assert flow.advance(3 * 3600) == 1  # the fine one; the broken one became an incident
    assert [t["element_id"] for t in flow.instance(fine["id"])["tasks"]] == ["escalated"]
    after = flow.admin.get(f"/process-instances/{broken['id']}", expect=200)
    assert after["status"] == "error"
    [incident] = after["incidents"]
    assert incident["element_id"] == "late" and "could not fire" in incident["message"]
    with rt.sessions() as s:
        assert s.scalar(select(TimerRecord.status).where(TimerRecord.instance_id == broken["id"])) == "failed"
    assert flow.advance(3600) == 0  # held: not re-fired every poll
    assert len(_incidents(flow, broken["id"])) == 1
    with rt.sessions() as s:  # the admin repairs the state, then retries
        s.execute(update(ProcessInstance).where(ProcessInstance.id == broken["id"]).values(state_json=good_state))
        s.commit()
    flow.admin.post(f"/process-instances/{broken['id']}/retry", expect=200)  # released: overdue, it fires now
    assert [t["element_id"] for t in flow.instance(broken["id"])["tasks"]] == ["escalated"]
    with rt.sessions() as s:
        assert s.scalar(select(TimerRecord.status).where(TimerRecord.instance_id == broken["id"])) == "fired"
    with rt.sessions() as s:
        assert s.scalar(select(Incident.resolved_at).where(Incident.instance_id == broken["id"])) is not None


def _state(rt, instance_id: int) -> str:
    with rt.sessions() as s:
        return s.scalar(select(ProcessInstance.state_json).where(ProcessInstance.id == instance_id))


def test_a_timer_whose_script_hits_the_time_limit_fires_once_and_is_an_incident(flow, rt, monkeypatch):
    from dataclasses import replace

    monkeypatch.setattr(rt.engine.scripts, "limits", replace(rt.engine.scripts.limits, timeout_seconds=1.0))
    _deploy(flow, "hostile_timer_cpu")
    flow.deploy(diagrams.boundary("t_after_cpu", "PT2H", interrupting=True))
    hog = flow.start("hostile_timer_cpu")
    other = flow.start("t_after_cpu")
    assert flow.advance(3 * 3600) == 2  # the hog's timer fired (its script was stopped), the other on time
    assert [t["element_id"] for t in flow.instance(other["id"])["tasks"]] == ["escalated"]
    [incident] = _incidents(flow, hog["id"])
    assert incident["element_id"] == "poison" and "longer than 1 s" in incident["message"]
    assert flow.advance(24 * 3600) == 0  # never re-fired: no crash loop
    assert len(_incidents(flow, hog["id"])) == 1

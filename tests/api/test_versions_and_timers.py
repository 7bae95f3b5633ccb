"""Running instances keep their version; plain ISO 8601 timer values are accepted."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.clock import utcnow
from tests.diagrams import HEAD, two_step, user_task


def test_running_instance_keeps_its_version_after_redeploy(login, rt):
    analyst, agent = login("analyst"), login("agent")
    analyst.deploy(two_step("versioned", script="result = 'v1'"))
    old = agent.post("/process-instances", json={"process_key": "versioned"}, expect=201)
    analyst.deploy(two_step("versioned", script="result = 'v2'"), expect=201)
    new = agent.post("/process-instances", json={"process_key": "versioned"}, expect=201)
    assert (old["version"], new["version"]) == (1, 2)
    for inst, expected in ((old, "v1"), (new, "v2")):
        [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
        after = agent.post(f"/tasks/{task['id']}/complete", json={"data": {}}, expect=200)["instance"]
        assert after["version"] == inst["version"] and after["variables"]["result"] == expected


def test_state_is_stored_without_the_spec(login, rt):
    from app.models import ProcessInstance

    login("analyst").deploy(two_step("lean_state"))
    inst = login("agent").post("/process-instances", json={"process_key": "lean_state"}, expect=201)
    with rt.sessions() as s:
        row = s.get(ProcessInstance, inst["id"])
        assert '"task_specs"' not in row.state_json
        assert '"task_specs"' in row.definition.spec_json


def _timer_diagram(key: str, tag: str, value: str) -> bytes:
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply"/>'
        + user_task("reply", "Reply", props={"candidateGroups": "cs_agents"})
        + '<bpmn:boundaryEvent id="late" name="Reply overdue" attachedToRef="reply" cancelActivity="false">'
        f"<bpmn:timerEventDefinition><bpmn:{tag}>{value}</bpmn:{tag}></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="end"/><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="end2"/><bpmn:endEvent id="end2"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


@pytest.mark.parametrize(
    ("tag", "value", "expected"),
    [
        ("timeDuration", "PT24H", timedelta(hours=24)),
        ("timeDuration", "P2D", timedelta(days=2)),
        ("timeDuration", "'PT12H'", timedelta(hours=12)),  # already a Python string expression
        ("timeCycle", "R3/PT1H", timedelta(hours=1)),
        ("timeDate", "2031-01-01T08:00:00+08:00", None),
    ],
)
def test_plain_iso_timer_values_deploy_and_wait(login, tag, value, expected):
    key = f"timer_{tag}_{abs(hash(value)) % 10000}"
    login("analyst").deploy(_timer_diagram(key, tag, value))
    before = utcnow()
    inst = login("agent").post("/process-instances", json={"process_key": key}, expect=201)
    after = utcnow()
    full = login("agent").get(f"/process-instances/{inst['id']}", expect=200)
    [timer] = full["timers"]
    assert timer["element_id"] == "late" and timer["name"] == "Reply overdue"
    due = datetime.fromisoformat(timer["due_at"])
    if expected is None:
        assert due == datetime.fromisoformat(value)
    else:
        assert before + expected <= due <= after + expected


def test_timer_expression_over_data_is_still_an_expression(login):
    login("analyst").deploy(_timer_diagram("timer_expr", "timeDate", "reply_by"))
    inst = login("agent").post(
        "/process-instances",
        json={"process_key": "timer_expr", "variables": {"reply_by": "2032-05-01T00:00:00+00:00"}},
        expect=201,
    )
    [timer] = login("agent").get(f"/process-instances/{inst['id']}", expect=200)["timers"]
    assert timer["due_at"] == "2032-05-01T00:00:00+00:00"


def test_juel_timer_is_refused_naming_the_event(login):
    err = login("analyst").deploy(_timer_diagram("timer_juel", "timeDuration", "${duration}"), expect=422)
    assert [d["element_id"] for d in err["error"]["details"]] == ["late"]

"""``crisis_response`` started by a call activity of a parent in ANOTHER diagram (a test-only
parent, not in processes/): the parent binds the crisis version current when it is deployed,
records it, waits while the crisis runs (its tasks, forms and diagram states in the parent's
case) and goes on after it."""

from __future__ import annotations

from typing import Any

from tests.crisis_steps import Crisis
from tests.diagrams import HEAD, user_task

PARENT = "crisis_parent_test"
FACTS: dict[str, Any] = {
    "summary": "门店投诉升级为危机 A store complaint became a crisis",
    "complaint_level": "C",
    "media_attention": False,
    "regulator_attention": False,
    "departments_affected": 1,
    "emergency_level": None,
}


def parent_diagram() -> bytes:
    """start -> Register (cs_agents) -> call crisis_response -> Close (cs_agents) -> end."""
    return (
        f'{HEAD}<bpmn:process id="{PARENT}" name="Crisis parent" isExecutable="true">'
        '<bpmn:laneSet id="ls"><bpmn:lane id="lane_a" name="cs_agents"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>'
        "<bpmn:flowNodeRef>Task_Register</bpmn:flowNodeRef><bpmn:flowNodeRef>Call_Crisis</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>Task_Close</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>"
        '</bpmn:laneSet><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_Register"/>'
        + user_task("Task_Register", "Register")
        + '<bpmn:sequenceFlow id="f2" sourceRef="Task_Register" targetRef="Call_Crisis"/>'
        '<bpmn:callActivity id="Call_Crisis" name="危机处理 Crisis response" calledElement="crisis_response"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="Call_Crisis" targetRef="Task_Close"/>'
        + user_task("Task_Close", "Close")
        + '<bpmn:sequenceFlow id="f4" sourceRef="Task_Close" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>'
    ).encode()


def start_parent(login: Any, facts: dict[str, Any]) -> Crisis:
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": PARENT, "variables": {}}, expect=201)
    crisis = Crisis(login, instance_id=inst["id"])
    [register] = [t for t in crisis.instance()["tasks"] if t["element_id"] == "Task_Register"]
    agent.post(f"/tasks/{register['id']}/complete", json={"data": facts}, expect=200)
    return crisis


def test_rule_4_1_a_parent_of_another_diagram_runs_the_crisis_waits_for_it_and_goes_on(login):
    analyst = login("analyst")
    analyst.deploy(parent_diagram())
    listed = analyst.get("/process-definitions", expect=200)
    assert [d["called_versions"] for d in listed if d["key"] == PARENT] == [{"crisis_response": 1}]
    crisis = start_parent(login, FACTS)
    assert crisis.ready() == ["Task_RoutineHandling"]
    case = crisis.instance()
    assert (case["status"], case["called_versions"]) == ("running", {"crisis_response": 1})
    diagram = crisis.admin.get(f"/process-instances/{crisis.id}/diagram", expect=200)
    assert diagram["calls"] == {
        "Call_Crisis": {
            "process_key": "crisis_response",
            "version": 1,
            "xml_url": "/api/v1/process-definitions/crisis_response/versions/1/xml",
        }
    }
    assert diagram["elements"]["Call_Crisis"]["state"] == "active"
    assert diagram["elements"]["Task_RoutineHandling"]["state"] == "active"  # drawn on the called diagram
    # the called process's forms check its tasks' answers in the parent's case
    task = crisis.task("Task_RoutineHandling")
    err = login("supervisor").post(f"/tasks/{task['id']}/complete", json={"data": {}}, expect=422)
    assert {d.get("field") for d in err["error"]["details"]} >= {"handling", "apology_made"}
    crisis.complete("Task_RoutineHandling")
    # the crisis is over: the parent goes on, with what the crisis recorded
    assert crisis.ready() == ["Task_Close"]
    assert crisis.instance()["variables"]["handling"] == "已退货"
    [close] = [t for t in crisis.instance()["tasks"] if t["element_id"] == "Task_Close"]
    done = login("agent").post(f"/tasks/{close['id']}/complete", json={"data": {}}, expect=200)
    assert done["instance"]["status"] == "completed"
    states = crisis.admin.get(f"/process-instances/{crisis.id}/diagram", expect=200)["elements"]
    assert states["Call_Crisis"]["state"] == "completed" and states["Task_RoutineHandling"]["state"] == "completed"


def test_rule_4_1_a_level_1_crisis_in_a_parent_notifies_the_leadership_group(login):
    login("analyst").deploy(parent_diagram())
    crisis = start_parent(login, {**FACTS, "media_attention": True})
    assert crisis.instance()["variables"]["emergency_level"] == 1
    [sent] = crisis.sent("Notify_Leadership")
    assert sorted(sent["recipients"]) == ["gm"]
    assert crisis.ready() == ["Task_FormTaskForce"]

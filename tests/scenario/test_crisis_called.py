"""``crisis_response`` started by a call activity of a parent in ANOTHER diagram (a test-only
parent, not in processes/): the parent binds the crisis version current when it is deployed,
records it, waits while the crisis runs (its tasks, forms and diagram states in the parent's
case) and goes on after it."""

from __future__ import annotations

from tests.crisis_steps import FACTS, PARENT, parent_diagram, start_parent


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

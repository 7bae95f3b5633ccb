"""Call activities calling the process of ANOTHER deployed diagram (docs/modeling.md, "Calling
a process of another diagram"): resolved when the caller is deployed, bound to the called
process's version current at that moment, recorded on the caller's version and its instances;
a missing process or a circle of calls across files is refused (422 naming the call activity)."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from tests.bundles import deploy_bundle, diagram
from tests.diagrams import HEAD, user_task


def caller(key: str, called: str, *, name: str = "Caller") -> bytes:
    """start -> Before (cs_agents) -> call <called> -> After (cs_agents) -> end."""
    return (
        f'{HEAD}<bpmn:process id="{key}" name="{name}" isExecutable="true">'
        '<bpmn:laneSet id="ls"><bpmn:lane id="lane_a" name="cs_agents"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>'
        "<bpmn:flowNodeRef>before</bpmn:flowNodeRef><bpmn:flowNodeRef>call</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>after</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>"
        '</bpmn:laneSet><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="before"/>'
        + user_task("before", "Before")
        + '<bpmn:sequenceFlow id="f2" sourceRef="before" targetRef="call"/>'
        f'<bpmn:callActivity id="call" name="Call {called}" calledElement="{called}"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="call" targetRef="after"/>'
        + user_task("after", "After")
        + '<bpmn:sequenceFlow id="f4" sourceRef="after" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>'
    ).encode()


def _bound(api: Any, key: str) -> list[tuple[int, dict[str, int]]]:
    """(version, called_versions) of each version of ``key``, oldest first."""
    listed = api.get("/process-definitions?all=1", expect=200)
    return [(d["version"], d["called_versions"]) for d in listed if d["key"] == key]


def _tasks(api: Any, instance_id: int) -> list[dict[str, Any]]:
    return [t for t in api.get(f"/process-instances/{instance_id}", expect=200)["tasks"] if t["state"] == "ready"]


def _complete_only_task(api: Any, instance_id: int, element_id: str, data: dict[str, Any] | None = None) -> Any:
    tasks = _tasks(api, instance_id)
    assert [t["element_id"] for t in tasks] == [element_id]
    return api.post(f"/tasks/{tasks[0]['id']}/complete", json={"data": data or {}}, expect=200)


def test_a_call_activity_runs_the_deployed_process_of_another_file_and_records_its_version(login):
    analyst, agent = login("analyst"), login("agent")
    analyst.deploy(diagram("xf_called", name="Called v1"))
    analyst.deploy(diagram("xf_called", name="Called v2"))  # the version current when the caller deploys
    analyst.deploy(caller("xf_parent", "xf_called"))
    assert _bound(analyst, "xf_parent") == [(1, {"xf_called": 2})]
    inst = agent.post("/process-instances", json={"process_key": "xf_parent", "variables": {}}, expect=201)
    _complete_only_task(agent, inst["id"], "before")
    # the parent waits in the call activity while the called process's task is open
    _complete_only_task(agent, inst["id"], "review", {"decision": "accept"})
    full = agent.get(f"/process-instances/{inst['id']}", expect=200)
    assert full["status"] == "running" and full["called_versions"] == {"xf_called": 2}
    done = _complete_only_task(agent, inst["id"], "after")
    assert done["instance"]["status"] == "completed"
    # a newer called version runs only in callers deployed after it: the parent is re-bound
    analyst.deploy(diagram("xf_called", name="Called v3"))
    analyst.deploy(caller("xf_parent", "xf_called"))
    assert _bound(analyst, "xf_parent") == [(1, {"xf_called": 2}), (2, {"xf_called": 3})]
    assert analyst.deploy(caller("xf_parent", "xf_called"), expect=200)[0]["version"] == 2  # unchanged


def test_a_bundle_co_deploys_the_called_diagram_whatever_the_file_order(login):
    analyst = login("analyst")
    answer = deploy_bundle(
        analyst,
        [("a_parent.bpmn", caller("xf_bundle_parent", "xf_bundle_child")), ("z.bpmn", diagram("xf_bundle_child"))],
    )
    assert sorted((d["key"], d["version"]) for d in answer) == [("xf_bundle_child", 1), ("xf_bundle_parent", 1)]
    assert _bound(analyst, "xf_bundle_parent") == [(1, {"xf_bundle_child": 1})]
    assert _bound(analyst, "xf_bundle_child") == [(1, {})]


def test_a_call_to_a_process_no_file_defines_is_refused_naming_the_call_activity(login):
    analyst = login("analyst")
    err = analyst.deploy(caller("xf_orphan", "xf_nowhere"), expect=422)
    [detail] = [d for d in err["error"]["details"] if d["rule"] == "call-activity"]
    assert detail["element_id"] == "call" and "'xf_nowhere'" in detail["message"]
    report = analyst.post(
        "/process-definitions/validate",
        data=caller("xf_orphan", "xf_nowhere"),
        headers={"Content-Type": "application/xml"},
        expect=200,
    )
    assert not report["valid"] and [e["element_id"] for e in report["errors"] if e["rule"] == "call-activity"] == [
        "call"
    ]
    assert analyst.get("/process-definitions?all=1", expect=200) == [
        d for d in analyst.get("/process-definitions?all=1", expect=200) if d["key"] != "xf_orphan"
    ]


def test_recursion_across_files_is_refused(login):
    analyst = login("analyst")
    analyst.deploy(diagram("xf_loop_b"))
    analyst.deploy(caller("xf_loop_a", "xf_loop_b"))
    # b now calls a, which calls (the deployed) b: a circle through two files
    err = analyst.deploy(caller("xf_loop_b", "xf_loop_a"), expect=422)
    [detail] = [d for d in err["error"]["details"] if d["rule"] == "call-activity"]
    assert detail["element_id"] == "call" and "recursive" in detail["message"]
    assert "xf_loop_b -> xf_loop_a -> xf_loop_b" in detail["message"]
    # two files of one bundle calling each other
    err = deploy_bundle(
        analyst,
        [("p.bpmn", caller("xf_ring_p", "xf_ring_q")), ("q.bpmn", caller("xf_ring_q", "xf_ring_p"))],
        expect=422,
    )
    [detail] = err["error"]["details"]
    assert (detail["rule"], detail["element_id"]) == ("call-activity", "call") and "recursive" in detail["message"]
    assert detail["file"] in {"p.bpmn", "q.bpmn"}
    listed = {d["key"] for d in analyst.get("/process-definitions?all=1", expect=200)}
    assert not listed & {"xf_ring_p", "xf_ring_q"}


def _validate_bundle(api: Any, files: list[tuple[str, bytes]]) -> Any:
    upload = {"file": [(BytesIO(content), name) for name, content in files]}
    return api.post("/process-definitions/validate", data=upload, content_type="multipart/form-data", expect=200)


def test_validate_sees_the_co_deployed_called_diagram_and_a_circle_between_files(login):
    analyst = login("analyst")
    report = _validate_bundle(
        analyst, [("a.bpmn", caller("xf_val_parent", "xf_val_child")), ("b.bpmn", diagram("xf_val_child"))]
    )
    assert report["valid"] and report["errors"] == []
    report = _validate_bundle(
        analyst, [("p.bpmn", caller("xf_val_p", "xf_val_q")), ("q.bpmn", caller("xf_val_q", "xf_val_p"))]
    )
    circle = [e for e in report["errors"] if e["rule"] == "call-activity"]
    assert not report["valid"] and circle and all(e["element_id"] == "call" for e in circle)
    assert any("recursive" in e["message"] for e in circle)
    assert analyst.get("/process-definitions?all=1", expect=200) == [
        d for d in analyst.get("/process-definitions?all=1", expect=200) if not d["key"].startswith("xf_val")
    ]


def test_a_migrated_case_records_the_called_version_of_its_new_version(login):
    analyst, agent, admin = login("analyst"), login("agent"), login("admin")
    analyst.deploy(diagram("xf_mig_called"))
    analyst.deploy(caller("xf_mig_parent", "xf_mig_called"))
    inst = agent.post("/process-instances", json={"process_key": "xf_mig_parent", "variables": {}}, expect=201)
    analyst.deploy(diagram("xf_mig_called", name="Called v2"))
    analyst.deploy(caller("xf_mig_parent", "xf_mig_called"))
    assert _bound(analyst, "xf_mig_parent") == [(1, {"xf_mig_called": 1}), (2, {"xf_mig_called": 2})]
    assert agent.get(f"/process-instances/{inst['id']}", expect=200)["called_versions"] == {"xf_mig_called": 1}
    admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": 2}, expect=200)
    moved = agent.get(f"/process-instances/{inst['id']}", expect=200)
    assert (moved["version"], moved["called_versions"]) == (2, {"xf_mig_called": 2})
    _complete_only_task(agent, inst["id"], "before")
    _complete_only_task(agent, inst["id"], "review", {"decision": "accept"})
    assert _complete_only_task(agent, inst["id"], "after")["instance"]["status"] == "completed"


def test_a_simulation_of_a_diagram_runs_the_deployed_process_it_calls(login):
    analyst = login("analyst")
    analyst.deploy(diagram("xf_sim_called"))
    run = analyst.post("/simulations", json={"xml": caller("xf_sim_parent", "xf_sim_called").decode()}, expect=201)
    assert [t["element_id"] for t in run["tasks"]] == ["before"]
    run = analyst.post(
        f"/simulations/{run['id']}/tasks/{run['tasks'][0]['id']}/complete", json={"data": {}}, expect=200
    )
    assert [t["element_id"] for t in run["tasks"]] == ["review"]  # the called diagram's task, in the run
    err = analyst.post("/simulations", json={"xml": caller("xf_sim_orphan", "xf_nowhere").decode()}, expect=422)
    assert [d["element_id"] for d in err["error"]["details"] if d["rule"] == "call-activity"] == ["call"]

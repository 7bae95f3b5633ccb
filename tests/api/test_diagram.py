"""Contract: ``GET /process-instances/{id}/diagram`` and one element's history, every status."""

from __future__ import annotations

from lxml import etree
from sqlalchemy import insert

from app.models import AuditEntry
from app.services import diagrams
from tests import query_plans
from tests.diagrams import two_step
from tests.scenario.conftest import ComplaintRun
from tests.task_rows import instances
from tests.timers.diagrams import boundary

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def start(api, key, variables=None):
    return api.post("/process-instances", json={"process_key": key, "variables": variables or {}}, expect=201)


def states(diagram, state):
    return {e for e, v in diagram["elements"].items() if v["state"] == state}


def at_manager_approval(login):
    run = ComplaintRun(login)
    task = run.drive(until="Task_ApproveByManager")
    assert task is not None
    return run


def test_a_complaint_stopped_at_the_manager_approval(login):
    run = at_manager_approval(login)
    manager = login("manager")
    d = manager.get(f"/process-instances/{run.instance_id}/diagram", expect=200)
    assert (d["process_key"], d["version"], d["status"]) == ("complaint_handling", 1, "running")
    assert d["xml_url"] == "/api/v1/process-definitions/complaint_handling/versions/1/xml"
    completed = {
        "StartEvent_ComplaintReceived",
        "Service_ClassifySeverity",
        "Task_ConfirmRecord",
        "Gateway_Accepted",
        "Task_ClassifyComplaint",
        "Task_AcknowledgeHandover",
        "Gateway_SiteVisit",
        "StartEvent_Handling",
        "Task_Investigate",
        "Task_ProposeSolution",
        "Gateway_ApprovalLevel",
    }
    assert completed <= states(d, "completed")
    assert states(d, "active") == {"Task_ApproveByManager", "SubProcess_Handling"}  # a running subprocess too
    assert {"Timer_HandlingReminder", "Timer_HandlingBreach"} <= states(d, "waiting")
    assert states(d, "failed") == states(d, "cancelled") == set()
    # never reached: the other approvers, the site visit; the contact timers never fired
    for element in ("Task_ApproveBySupervisor", "Task_ApproveByDirector", "Task_SiteVisit", "Timer_ContactBreach"):
        assert element not in d["elements"], element
    assert all(v["count"] == 1 for v in d["elements"].values())
    # the gateways' chosen flows only
    assert {"Flow_ToManager", "Flow_NoSiteVisit", "Flow_ToHandling", "Flow_HandlingStart"} <= set(d["flows_taken"])
    assert not {"Flow_ToSupervisor", "Flow_ToDirector", "Flow_SiteVisitNeeded"} & set(d["flows_taken"])
    # overlays: who holds the approval, when the handling deadline falls due
    [approval] = d["elements"]["Task_ApproveByManager"]["tasks"]
    assert approval["candidate_groups"] == ["managers"] and approval["assignee"] is None
    [breach] = d["elements"]["Timer_HandlingBreach"]["timers"]
    assert breach["due_at"].endswith("+00:00") and breach["interrupting"] is False
    # every id names an element of the version's XML, every flow a sequence flow of it
    xml = manager.client.get(d["xml_url"], headers=manager.headers)
    assert xml.status_code == 200
    root = etree.fromstring(xml.data)
    ids = {node.get("id") for node in root.iter() if node.get("id")}
    flows = {node.get("id") for node in root.iter(f"{BPMN}sequenceFlow")}
    assert set(d["elements"]) <= ids and set(d["flows_taken"]) <= flows


def test_an_element_history_says_who_did_what_with_which_data(login):
    run = at_manager_approval(login)
    manager = login("manager")
    h = manager.get(f"/process-instances/{run.instance_id}/elements/Task_Investigate/history", expect=200)
    assert h["element_id"] == "Task_Investigate"
    types = [e["type"] for e in h["items"]]
    assert types == ["task_completed", "task_created"]  # newest first
    done = h["items"][0]
    assert done["actor"] == "quality" and done["at"].endswith("+00:00")
    assert done["detail"]["data"]["root_cause"] == "封口不严"
    none = manager.get(f"/process-instances/{run.instance_id}/elements/Task_SiteVisit/history", expect=200)
    assert none["items"] == []


def test_a_task_interrupted_by_a_boundary_timer_is_cancelled(login):
    login("analyst").deploy(boundary("diagram_interrupt", "PT1H", interrupting=True))
    agent, admin = login("agent"), login("admin")
    inst = start(agent, "diagram_interrupt")
    before = agent.get(f"/process-instances/{inst['id']}/diagram", expect=200)
    assert before["elements"]["reply"]["state"] == "active"
    assert before["elements"]["late"]["state"] == "waiting"
    assert before["elements"]["late"]["timers"][0]["due_at"]
    assert before["flows_taken"] == ["f1"]
    admin.post("/admin/clock", json={"advance_seconds": 2 * 3600}, expect=200)
    d = admin.get(f"/process-instances/{inst['id']}/diagram", expect=200)
    assert d["elements"]["reply"] == {"state": "cancelled", "count": 1}
    assert d["elements"]["late"] == {"state": "completed", "count": 1}
    assert d["elements"]["escalated"]["state"] == "active"
    assert d["elements"]["escalated"]["tasks"][0]["candidate_groups"] == ["cs_supervisors"]
    assert "end" not in d["elements"]
    assert sorted(d["flows_taken"]) == ["f1", "f3"]  # f2 (reply -> end) never ran


def test_a_failing_script_is_a_failed_element_with_the_incident(login):
    login("analyst").deploy(two_step("diagram_fails", script="result = 1 / 0"))
    agent = login("agent")
    inst = start(agent, "diagram_fails")
    [first] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{first['id']}/complete", json={"data": {}}, expect=200)
    d = agent.get(f"/process-instances/{inst['id']}/diagram", expect=200)
    assert d["status"] == "error"
    assert d["elements"]["script"]["state"] == "failed"
    [incident] = d["elements"]["script"]["incidents"]
    assert "ZeroDivisionError" in incident["message"] and incident["created_at"]
    assert d["incidents"] == [incident | {"element_id": "script"}]
    assert d["elements"]["first"]["state"] == "completed"
    assert "second" not in d["elements"]
    assert sorted(d["flows_taken"]) == ["f1", "f2"]
    h = agent.get(f"/process-instances/{inst['id']}/elements/script/history", expect=200)
    assert [e["type"] for e in h["items"]] == ["incident"]


def test_completed_and_terminated_instances(login):
    login("analyst").deploy(two_step("diagram_ends"))
    agent, quality, admin = login("agent"), login("quality"), login("admin")
    done = start(agent, "diagram_ends")
    [first] = agent.get(f"/tasks?instance_id={done['id']}", expect=200)
    [second] = agent.post(f"/tasks/{first['id']}/complete", json={"data": {}}, expect=200)["instance"]["tasks"]
    quality.post(f"/tasks/{second['id']}/complete", json={"data": {}}, expect=200)
    d = agent.get(f"/process-instances/{done['id']}/diagram", expect=200)
    assert d["status"] == "completed"
    assert states(d, "completed") == {"start", "first", "script", "second", "end"}
    assert sorted(d["flows_taken"]) == ["f1", "f2", "f3", "f4"]

    stopped = start(agent, "diagram_ends")
    admin.post(f"/process-instances/{stopped['id']}/terminate", json={"reason": "test"}, expect=200)
    d = admin.get(f"/process-instances/{stopped['id']}/diagram", expect=200)
    assert d["status"] == "terminated"
    assert d["elements"]["first"]["state"] == "cancelled"
    assert states(d, "completed") == {"start"} and d["flows_taken"] == ["f1"]


def test_refused_and_unknown_are_the_same_404(login):
    login("analyst").deploy(two_step("diagram_private"))
    inst = start(login("agent2"), "diagram_private")
    quality = login("quality")  # not involved: no task of theirs, not customer service
    quality.get(f"/process-instances/{inst['id']}", expect=403)
    for path in (f"/process-instances/{inst['id']}/diagram", f"/process-instances/{inst['id']}/elements/first/history"):
        hidden = quality.get(path, expect=404)["error"]
        unknown = quality.get(path.replace(str(inst["id"]), "999999"), expect=404)["error"]
        assert hidden["code"] == unknown["code"] == "unknown_instance"
        login(None).get(path, expect=401)
    login("agent").get(f"/process-instances/{inst['id']}/diagram", expect=200)
    login("admin").get(f"/process-instances/{inst['id']}/elements/first/history", expect=200)


def test_the_openapi_document_lists_the_diagram_reads(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    diagram = paths["/process-instances/{id}/diagram"]["get"]
    assert set(diagram["responses"]) == {"200", "401", "404"}
    schema = diagram["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"process_key", "version", "xml_url", "elements", "flows_taken"}
    assert "/process-instances/{id}/elements/{element_id}/history" in paths


def test_an_element_history_is_one_index_range_of_its_instance(rt):
    """10,000 history entries over 200 instances: one element's history is a backward walk of its
    instance's range of ix_audit_instance_id, stopped by the limit (no scan, no sort)."""
    ids = instances(rt, 200)
    elements = ("Task_Investigate", "Task_ProposeSolution", "Task_ApproveByManager", None)
    rows = [
        {"instance_id": i, "type": "task_created", "element_id": elements[n % 4], "actor": None, "detail": {}}
        for i in ids
        for n in range(50)
    ]
    with rt.sessions() as s:
        s.execute(insert(AuditEntry), rows)
        s.commit()
        with rt.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE audit_entries" if conn.dialect.name == "postgresql" else "ANALYZE")
        found = list(s.scalars(diagrams.element_history_query(ids[7], "Task_Investigate")))
    assert len(found) == 13 and [e.id for e in found] == sorted((e.id for e in found), reverse=True)
    plan = query_plans.plan(rt, diagrams.element_history_query(ids[7], "Task_Investigate"), sqlite_statistics=False)
    print(plan)
    assert "ix_audit_instance_id" in plan
    assert "Seq Scan" not in plan and "TEMP B-TREE" not in plan and "Sort" not in plan
    assert "SCAN audit_entries" not in {line.strip() for line in plan.splitlines()}

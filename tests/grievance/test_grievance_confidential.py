"""Rules 6.1 and 6.3: a grievance is filed in the employee's own name and is confidential: seen
only by the employee, HR, the people who handle it and admins; customer service, who see every
complaint, get 404 and find it in no list, search or export; every read is on the record."""

from __future__ import annotations

from typing import Any

import pytest

from tests.grievance.conftest import FILING, FORWARD, PROCESS

CUSTOMER_SERVICE = ("agent", "supervisor")


def _listed(api: Any, query: str = "") -> set[int]:
    return {i["id"] for i in api.get(f"/process-instances?per_page=200{query}", expect=200)["items"]}


def test_rule_6_1_filed_in_the_employees_own_name_never_anonymously(grievance: Any, login: Any, client: Any) -> None:
    g = grievance(employee="production")
    inst = g.instance()
    assert inst["started_by"] == "production" and inst["variables"]["registered_by"] == "production"
    employee = login("production")
    refused = employee.post(
        "/process-instances", json={"process_key": PROCESS, "variables": {**FILING, "anonymous": True}}, expect=422
    )
    assert "anonymous" in str(refused["error"])
    refused = employee.post(
        "/process-instances", json={"process_key": PROCESS, "variables": {**FILING, "registered_by": "nobody"}}
    )
    assert employee.last.status_code == 422 and "registered_by" in str(refused["error"])
    anonymous = client.post("/api/v1/process-instances", json={"process_key": PROCESS, "variables": FILING})
    assert anonymous.status_code == 401


@pytest.mark.parametrize("user", CUSTOMER_SERVICE)
def test_rule_6_1_customer_service_get_404_and_find_it_nowhere(grievance: Any, login: Any, user: str) -> None:
    g = grievance()
    task_id = g.task("Task_Acknowledge")["id"]
    cs = login(user)
    assert cs.get(f"/process-instances/{g.id}", expect=404)["error"]["code"] == "unknown_instance"
    assert cs.get(f"/process-instances/{g.id}/diagram", expect=404)["error"]["code"] == "unknown_instance"
    assert cs.get(f"/tasks/{task_id}", expect=404)["error"]["code"] == "unknown_task"
    cs.post(f"/tasks/{task_id}/claim", expect=404)
    cs.post(f"/tasks/{task_id}/complete", json={"data": {"decision": "answer", "answer_text": "x"}}, expect=404)
    assert g.id not in _listed(cs)
    assert g.id not in _listed(cs, f"&business_key={g.business_key}")
    assert g.id not in _listed(cs, f"&process_key={PROCESS}")
    assert cs.get(f"/process-instances?business_key={g.business_key}&counts=status", expect=200)["total"] == 0
    export = cs.client.get("/api/v1/process-instances.csv", headers=cs.headers)
    assert export.status_code == 200 and g.business_key not in export.get_data(as_text=True)
    for scope in ("mine", "group", "all"):
        assert task_id not in {t["id"] for t in cs.get(f"/tasks?scope={scope}&limit=500", expect=200)}
    assert all(n["instance_id"] != g.id for n in cs.get("/notifications", expect=200)["items"])


def test_rule_6_1_customer_service_still_see_every_complaint(login: Any) -> None:
    from tests.scenario.conftest import INTAKE

    complaint = login("agent").post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201
    )
    supervisor = login("agent2")
    supervisor.get(f"/process-instances/{complaint['id']}", expect=200)
    assert complaint["id"] in _listed(supervisor)


def test_rule_6_1_seen_by_the_employee_hr_and_who_handles_it(grievance: Any, login: Any) -> None:
    g = grievance(employee="agent")  # a customer-service agent files one: they see their own
    for user in ("agent", "hr", "admin"):
        login(user).get(f"/process-instances/{g.id}", expect=200)
        assert g.id in _listed(login(user))
    for user in ("agent2", "supervisor", "production", "quality", "gm", "analyst"):
        login(user).get(f"/process-instances/{g.id}", expect=404)
        assert g.id not in _listed(login(user))
    g.forward()  # to production, who now handles it
    handler = login("production")
    handler.get(f"/process-instances/{g.id}", expect=200)
    assert g.id in _listed(handler)
    [task] = handler.get("/tasks?scope=mine", expect=200)
    assert task["instance_id"] == g.id and task["assignee"] == "production"
    login("quality").get(f"/tasks/{task['id']}", expect=404)


def test_rule_6_1_the_general_manager_sees_it_once_appealed(grievance: Any, login: Any) -> None:
    from tests.grievance.conftest import APPEAL

    g = grievance()
    login("gm").get(f"/process-instances/{g.id}", expect=404)
    g.to_appeal_decision()
    g.complete("Task_AppealDecision", APPEAL, user="sales")
    login("gm").get(f"/process-instances/{g.id}", expect=200)
    assert g.id in _listed(login("gm"))


def test_rule_6_3_every_read_of_the_grievance_is_recorded_for_hr(grievance: Any, login: Any) -> None:
    g = grievance()
    g.complete("Task_Acknowledge", FORWARD, user="hr")
    task_id = g.task("Task_DepartmentReply")["id"]
    login("sales").get(f"/process-instances/{g.id}", expect=200)
    login("production").get(f"/tasks/{task_id}", expect=200)
    login("admin").get(f"/process-instances/{g.id}/diagram", expect=200)
    login("supervisor").get(f"/process-instances/{g.id}", expect=404)  # refused: not a read
    reads = [(h["actor"], h["detail"]["read"]) for h in g.history("confidential_read")]
    assert ("sales", "case") in reads
    assert ("production", "task") in reads
    assert ("admin", "diagram") in reads
    assert ("hr", "case") in reads  # HR's own reads too (this very check is one)
    assert all(actor != "supervisor" for actor, _ in reads)


def test_rule_6_3_ordinary_complaints_record_no_reads(login: Any) -> None:
    from tests.scenario.conftest import INTAKE

    agent = login("agent")
    complaint = agent.post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201
    )
    history = agent.get(f"/process-instances/{complaint['id']}", expect=200)["history"]
    assert history and all(h["type"] != "confidential_read" for h in history)

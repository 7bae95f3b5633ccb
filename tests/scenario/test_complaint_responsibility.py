"""The responsibility finding of an investigation (domain.md §7, docs/complaint_handling.md) and
rule 7.3: a valid complaint pays the customer 50 yuan for transport and lost time on top."""

from __future__ import annotations

from sqlalchemy import select

from app.models import ComplaintFact, ResponsibilityFinding
from app.services import people
from tests.scenario.conftest import HEAD, TAIL

VALID = {"complaint_finding": "valid", "responsible_employee": "sales", "responsible_store": "朝阳门店"}
UNREASONABLE = {
    "complaint_finding": "unreasonable",
    "responsibility": "customer",
    "responsible_employee": "agent2",
    "handled_patiently": True,
}


def _finding(rt, instance_id):
    with rt.sessions() as s:
        return s.scalar(select(ResponsibilityFinding).where(ResponsibilityFinding.instance_id == instance_id))


def _fact_employee(rt, instance_id):
    with rt.sessions() as s:
        return s.get(ComplaintFact, instance_id).responsible_employee


def test_a_valid_finding_is_recorded_with_employee_and_store_and_fills_the_facts(complaint, rt):
    run = complaint(overrides={"Task_Investigate": VALID})
    run.drive()
    finding = _finding(rt, run.instance_id)
    assert (finding.employee, finding.store, finding.valid, finding.handled_patiently) == (
        "sales",
        "朝阳门店",
        True,
        False,
    )
    assert (finding.status, finding.registration_number) == ("active", run.business_key)
    assert len(finding.month) == 7 and finding.month[4] == "-"
    assert _fact_employee(rt, run.instance_id) == "sales"  # repeated offenders count real cases


def test_an_unreasonable_complaint_records_the_patient_employee_but_no_offender(complaint, rt):
    run = complaint(overrides={"Task_Investigate": UNREASONABLE})
    run.drive()
    finding = _finding(rt, run.instance_id)
    assert (finding.employee, finding.valid, finding.handled_patiently) == ("agent2", False, True)
    assert _fact_employee(rt, run.instance_id) is None


def test_an_investigation_naming_nobody_records_no_finding(complaint, rt):
    run = complaint()
    run.drive()
    assert _finding(rt, run.instance_id) is None


def test_an_unknown_responsible_employee_is_422_naming_the_field(complaint):
    run = complaint()
    task = run.drive(until="Task_Investigate")
    for name in ("nobody", ""):
        data = {**run.data_for("Task_Investigate"), **VALID, "responsible_employee": name}
        err = run.login("quality").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=422)
        assert [d["field"] for d in err["error"]["details"]] == ["responsible_employee"]
    assert run.ready_task()["element_id"] == "Task_Investigate"  # nothing changed


def test_an_inactive_responsible_employee_is_422(complaint, rt):
    with rt.sessions() as s:
        people.deactivate(s, people.create_user(s, "left_company", "pw-left-company-1"), actor="admin")
        s.commit()
    run = complaint()
    task = run.drive(until="Task_Investigate")
    data = {**run.data_for("Task_Investigate"), **VALID, "responsible_employee": "left_company"}
    err = run.login("quality").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=422)
    assert err["error"]["code"] == "unknown_user"
    assert [d["field"] for d in err["error"]["details"]] == ["responsible_employee"]


def test_a_valid_complaint_names_its_responsible_employee(complaint):
    run = complaint()
    task = run.drive(until="Task_Investigate")
    data = {**run.data_for("Task_Investigate"), "complaint_finding": "valid"}
    err = run.login("quality").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=422)
    assert [(d["field"], d["code"]) for d in err["error"]["details"]] == [("responsible_employee", "required_when")]


def test_rule_7_3_a_valid_complaint_pays_the_customer_50_yuan_on_top(complaint, login):
    run = complaint(overrides={"Task_Investigate": VALID})
    close = run.drive(until="Task_CloseArchive")
    v = run.instance()["variables"]
    assert v["transport_allowance_yuan"] == 50
    supervisor = login("supervisor")
    assert supervisor.get(f"/tasks/{close['id']}", expect=200)["data"]["transport_allowance_yuan"] == 50
    run.drive()
    assert run.order == [*HEAD, "Task_ApproveByManager", *TAIL]
    inst = run.instance()
    assert (inst["status"], inst["variables"]["transport_allowance_yuan"]) == ("completed", 50)
    closed = [h for h in inst["history"] if h["type"] == "task_completed"][-1]
    assert closed["detail"]["data"]["transport_allowance_yuan"] == 50  # the close record says it was paid


def test_rule_7_3_an_unreasonable_complaint_pays_no_allowance(complaint):
    run = complaint(overrides={"Task_Investigate": UNREASONABLE})
    run.drive(until="Task_CloseArchive")
    assert run.instance()["variables"]["transport_allowance_yuan"] is None

"""Routing by subject: the classification's subject decides the department that investigates,
proposes and implements (docs/complaint_handling.md, "Routing by subject")."""

from __future__ import annotations

import pytest

from tests.scenario.conftest import APPROVED_BY_MANAGER, ROUTING, TAIL, head_for

# subject -> (department group, its demo user, a user of another department)
DEPARTMENTS = {
    "product_quality": ("quality", "quality", "logistics"),
    "service_quality": ("cs_supervisors", "supervisor", "quality"),
    "contract_dispute": ("sales", "sales", "aftersales"),
    "sales": ("sales", "sales", "logistics"),
    "after_sales": ("aftersales", "aftersales", "sales"),
    "logistics": ("logistics", "logistics", "quality"),
    "other": ("cs_supervisors", "supervisor", "sales"),
}


def test_routing_table_matches_the_doc():
    assert {s: group for s, (group, _, _) in DEPARTMENTS.items()} == ROUTING


@pytest.mark.parametrize(
    ("subject", "group", "member", "other_department"),
    [pytest.param(s, *v, id=f"{s}->{v[0]}") for s, v in DEPARTMENTS.items()],
)
def test_investigation_is_routed_by_subject(complaint, subject, group, member, other_department):
    run = complaint(overrides={"Task_ClassifyComplaint": {"subject": subject}})
    task = run.drive(until="Task_Investigate")
    assert task["candidate_groups"] == [group] and task["assignee"] is None and task["lane"] == "departments"
    assert run.instance()["variables"]["routing"] == {"responsible_group": group}

    assert task["id"] in run.inbox(member)
    assert task["id"] not in run.inbox(other_department)
    other = run.login(other_department)
    other.get(f"/tasks/{task['id']}", expect=403)
    err = other.post(f"/tasks/{task['id']}/complete", json={"data": run.data_for("Task_Investigate")}, expect=403)
    assert err["error"]["code"] == "not_your_task"

    detail = run.login(member).get(f"/tasks/{task['id']}", expect=200)
    assert detail["form"]["key"] == "investigate"
    assert detail["data"]["subject"] == subject  # read-only, prefilled from the classification

    run.complete(task, actor=member)
    run.drive()
    run.assert_completed(
        order=[*head_for(subject), "Task_ApproveByManager", *TAIL],
        outcome="resolved",
        approval_level=APPROVED_BY_MANAGER,
    )
    department_actors = {s.actor for s in run.steps if s.candidate_groups == [group]}
    assert member in department_actors


def test_logistics_cannot_complete_a_quality_investigation(complaint, login):
    run = complaint()
    task = run.drive(until="Task_Investigate")
    assert task["candidate_groups"] == ["quality"]
    data = run.data_for("Task_Investigate")
    login("logistics").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=403)
    login("logistics").post(f"/tasks/{task['id']}/claim", expect=403)
    assert run.ready_task()["id"] == task["id"]
    login("quality").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=200)


def test_investigation_cannot_change_the_read_only_subject(complaint, login):
    """The subject on the investigation form is read-only: a different value sent by the client
    is replaced by the classification's, and the case stays with the same department."""
    run = complaint(overrides={"Task_ClassifyComplaint": {"subject": "logistics"}})
    task = run.drive(until="Task_Investigate")
    data = {**run.data_for("Task_Investigate"), "subject": "sales"}
    inst = login("logistics").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=200)["instance"]
    assert inst["variables"]["subject"] == "logistics"
    assert inst["variables"]["routing"] == {"responsible_group": "logistics"}
    [propose] = inst["tasks"]
    assert (propose["element_id"], propose["candidate_groups"]) == ("Task_ProposeSolution", ["logistics"])
    completed = [h for h in inst["history"] if h["type"] == "task_completed"]
    assert completed[-1]["detail"]["data"]["subject"] == "logistics"

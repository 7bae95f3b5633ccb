"""The complaint flow end to end, one test per branch of docs/complaint_handling.md, plus the
first-responder rule. Every step checks who may act (see ``ComplaintRun.check_who_may_act``)."""

from __future__ import annotations

import pytest

from tests.scenario.conftest import (
    APPROVED_BY_DIRECTOR,
    APPROVED_BY_GM,
    APPROVED_BY_MANAGER,
    APPROVED_BY_SUPERVISOR,
    HEAD,
    TAIL,
    T,
)

ESCALATE = {"customer_response": "escalate", "customer_feedback": "赔偿太少"}


def test_reject_closes_as_invalid(complaint):
    run = complaint(overrides={"Task_ConfirmRecord": {"acceptance_decision": "rejected"}})
    assert run.drive() is None
    inst = run.assert_completed(order=T("ConfirmRecord", "ExplainRejection"), outcome="invalid")
    v = inst["variables"]
    assert v["acceptance_decision"] == "rejected" and v["rejection_reason"] == "duplicate"
    assert v["severity_grade"] == "general"  # set by Script_InitCase, never classified


def test_manager_approves_500_exactly(complaint):
    run = complaint(overrides={"Task_ProposeSolution": {"compensation_amount": 500}})
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", *TAIL], outcome="resolved", approval_level=APPROVED_BY_MANAGER
    )
    assert [s.actor for s in run.steps] == [
        "agent",
        "supervisor",
        "quality",  # acknowledges the hand-over (rule 2.4)
        "quality",
        "quality",
        "manager",
        "agent",
        "quality",
        "agent",
        "supervisor",
    ]
    assert inst["variables"]["compensation_amount"] == 500


@pytest.mark.parametrize("amount", [500.01, 1000], ids=["500.01", "1000_exactly"])
def test_supervisor_approves_above_500_up_to_1000(complaint, amount):
    run = complaint(overrides={"Task_ProposeSolution": {"compensation_amount": amount}})
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveBySupervisor", *TAIL], outcome="resolved", approval_level=APPROVED_BY_SUPERVISOR
    )
    assert inst["variables"]["compensation_amount"] == amount


def test_director_approves_above_1000(complaint):
    run = complaint(overrides={"Task_ProposeSolution": {"compensation_amount": 1000.01}})
    run.drive()
    run.assert_completed(
        order=[*HEAD, "Task_ApproveByDirector", *TAIL], outcome="resolved", approval_level=APPROVED_BY_DIRECTOR
    )


def test_director_approves_10000_exactly(complaint):
    run = complaint(overrides={"Task_ProposeSolution": {"compensation_amount": 10_000}})
    run.drive()
    run.assert_completed(
        order=[*HEAD, "Task_ApproveByDirector", *TAIL], outcome="resolved", approval_level=APPROVED_BY_DIRECTOR
    )


def test_rule_1_6_the_general_manager_decides_above_the_directors_authority(complaint):
    """Above 10,000 yuan the general manager (group general_manager, demo user gm) takes the final
    decision; the director is not asked."""
    run = complaint(overrides={"Task_ProposeSolution": {"compensation_amount": 10_000.01}})
    run.drive()
    run.assert_completed(order=[*HEAD, "Task_ApproveByGM", *TAIL], outcome="resolved", approval_level=APPROVED_BY_GM)
    assert [s.actor for s in run.steps if s.element_id == "Task_ApproveByGM"] == ["gm"]


def test_rule_1_6_the_general_manager_may_reject_and_the_department_proposes_again(complaint):
    run = complaint(
        overrides={
            "Task_ProposeSolution": [{"compensation_amount": 50_000}, {"compensation_amount": 9_000}],
            "Task_ApproveByGM": {"approval_decision": "rejected", "approval_comment": "金额过高"},
        }
    )
    run.drive()
    run.assert_completed(
        order=[*HEAD, "Task_ApproveByGM", "Task_ProposeSolution", "Task_ApproveByDirector", *TAIL],
        outcome="resolved",
        approval_level=APPROVED_BY_DIRECTOR,
    )


def test_approval_rejected_then_approved(complaint):
    """The manager rejects 300 yuan; the department proposes 800, which the supervisor approves."""
    run = complaint(
        overrides={
            "Task_ProposeSolution": [{}, {"compensation_amount": 800, "solution_description": "赔偿并道歉"}],
            "Task_ApproveByManager": {"approval_decision": "rejected", "approval_comment": "方案不足"},
        }
    )
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", "Task_ProposeSolution", "Task_ApproveBySupervisor", *TAIL],
        outcome="resolved",
        approval_level=APPROVED_BY_SUPERVISOR,
    )
    v = inst["variables"]
    assert (v["compensation_amount"], v["approval_decision"], v["approval_comment"]) == (800, "approved", "同意")


def test_customer_asks_to_re_investigate(complaint):
    run = complaint(
        overrides={
            "Task_CustomerAgreement": [{"customer_response": "re_investigate", "customer_feedback": "原因不对"}],
            "Task_Investigate": [{}, {"root_cause": "运输途中挤压", "responsibility": "logistics"}],
        }
    )
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", "Task_CustomerAgreement", *HEAD[3:], "Task_ApproveByManager", *TAIL],
        outcome="resolved",
        approval_level=APPROVED_BY_MANAGER,
    )
    v = inst["variables"]
    assert (v["root_cause"], v["responsibility"], v["customer_response"]) == ("运输途中挤压", "logistics", "agreed")
    assert v["reopen_count"] == 0


def test_escalation_revises_solution(complaint):
    """Escalated to the director (with a consumer-association review); revised to 1200 yuan, which
    the director approves."""
    review = {
        "escalation_decision": "revise_solution",
        "review_note": "重新评估",
        "external_review_body": "consumer_association",
        "external_review_note": "消协建议提高赔偿",
    }
    run = complaint(
        overrides={
            "Task_CustomerAgreement": [ESCALATE],
            "Task_EscalationReview": review,
            "Task_ProposeSolution": [{}, {"compensation_amount": 1200}],
        }
    )
    run.drive()
    inst = run.assert_completed(
        order=[
            *HEAD,
            "Task_ApproveByManager",
            "Task_CustomerAgreement",
            "Task_EscalationReview",
            "Task_ProposeSolution",
            "Task_ApproveByDirector",
            *TAIL,
        ],
        outcome="resolved",
        approval_level=APPROVED_BY_DIRECTOR,
    )
    assert inst["variables"]["external_review_note"] == "消协建议提高赔偿"


def test_escalation_closes_without_agreement(complaint):
    run = complaint(
        overrides={
            "Task_CustomerAgreement": ESCALATE,
            "Task_EscalationReview": {"escalation_decision": "close", "review_note": "方案合理,不再处理"},
        }
    )
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", "Task_CustomerAgreement", "Task_EscalationReview", "Task_CloseArchive"],
        outcome="closed_without_agreement",
        approval_level=APPROVED_BY_MANAGER,
    )
    assert inst["variables"]["customer_response"] == "escalate"
    assert "implemented_on" not in inst["variables"] and "satisfied" not in inst["variables"]


def test_unsatisfied_follow_up_reopens_case(complaint):
    unsatisfied = {"satisfied": False, "satisfaction": 2, "follow_up_note": "仍有异味"}
    run = complaint(overrides={"Task_FollowUpVisit": [unsatisfied]})
    run.complete(run.drive(until="Task_FollowUpVisit"))
    reopened = run.instance()
    assert [t["element_id"] for t in reopened["tasks"]] == ["Task_Investigate"]
    assert reopened["variables"]["reopen_count"] == 1 and "outcome" not in reopened["variables"]
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", *TAIL[:3], *HEAD[3:], "Task_ApproveByManager", *TAIL],
        outcome="resolved",
        reopen_count=1,
        approval_level=APPROVED_BY_MANAGER,
    )
    v = inst["variables"]
    assert (v["satisfied"], v["satisfaction"], v["follow_up_note"]) == (True, 5, "仍有异味")


# --- first-responder rule (首问负责制) ---------------------------------------------------------
def assert_only_registrar_may_act(run, task, colleague):
    """The customer-contact task is the registrar's: the colleague of the same group neither
    sees it in the default inbox nor may claim or complete it."""
    assert task["assignee"] == run.registrar
    assert task["id"] in run.inbox(run.registrar)
    assert task["id"] in run.inbox(run.registrar, scope="mine")
    assert task["id"] not in run.inbox(colleague)
    assert task["id"] not in run.inbox(colleague, scope="mine")
    api = run.login(colleague)
    err = api.post(f"/tasks/{task['id']}/complete", json={"data": run.data_for(task["element_id"])}, expect=403)
    assert err["error"]["code"] == "not_your_task"
    assert api.post(f"/tasks/{task['id']}/claim", expect=409)["error"]["code"] == "task_claimed"


@pytest.mark.parametrize(("registrar", "colleague"), [("agent", "agent2"), ("agent2", "agent")])
def test_customer_contact_tasks_belong_to_the_registering_agent(complaint, registrar, colleague):
    run = complaint(registrar=registrar)
    for element in ("Task_ConfirmRecord", "Task_CustomerAgreement", "Task_FollowUpVisit"):
        task = run.drive(until=element)
        assert_only_registrar_may_act(run, task, colleague)
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", *TAIL], outcome="resolved", approval_level=APPROVED_BY_MANAGER
    )
    contact = [s.actor for s in run.steps if s.element_id in ("Task_ConfirmRecord", *TAIL[:1], *TAIL[2:3])]
    assert contact == [registrar] * 3
    assert inst["variables"]["registered_by"] == registrar


def test_rejection_is_explained_by_the_registering_agent(complaint):
    run = complaint(overrides={"Task_ConfirmRecord": {"acceptance_decision": "rejected"}})
    task = run.drive(until="Task_ExplainRejection")
    assert_only_registrar_may_act(run, task, "agent2")
    run.drive()
    run.assert_completed(order=T("ConfirmRecord", "ExplainRejection"), outcome="invalid")


def test_classification_is_open_to_every_agent_and_supervisor(complaint):
    run = complaint()
    task = run.drive(until="Task_ClassifyComplaint")
    assert task["assignee"] is None
    for user in ("agent", "agent2", "supervisor"):
        assert task["id"] in run.inbox(user)
    run.complete(task, actor="agent2")  # a cs_agents colleague may classify
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", *TAIL], outcome="resolved", approval_level=APPROVED_BY_MANAGER
    )
    assert [h["actor"] for h in inst["history"] if h["element_id"] == "Task_ClassifyComplaint"] == [None, "agent2"]


def test_started_by_me_lists_the_registered_complaint(complaint, login):
    run = complaint()
    run.start()
    mine = login("agent").get("/process-instances?started_by=me&process_key=complaint_handling", expect=200)
    assert [(i["id"], i["business_key"], i["started_by"]) for i in mine["items"]] == [
        (run.instance_id, run.business_key, "agent")
    ]
    assert mine["total"] == 1
    theirs = login("agent2").get("/process-instances?started_by=me&process_key=complaint_handling", expect=200)
    assert (theirs["items"], theirs["total"], theirs["total_is_exact"], theirs["next_cursor"]) == ([], 0, True, None)

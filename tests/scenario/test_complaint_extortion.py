"""Rule 3.8 (domain.md §3): a demand over 2,000 yuan without medical proof is a suspected
extortion (恶意敲诈). The customer-service supervisors review it (Task_ExtortionReview) after the
investigation and before any compensation is proposed: a genuine demand goes on to the proposal,
an extortion refuses compensation, is recorded (``outcome``), may be referred to the legal
department, and the case goes to closing (docs/complaint_handling.md)."""

from __future__ import annotations

from tests.scenario.conftest import APPROVED_BY_DIRECTOR, HEAD, INTAKE, TAIL, T

EXTORTION = {**INTAKE, "customer_request": "compensation", "claim_amount": 5000}
REFUSED = {"extortion_decision": "extortion", "extortion_review_note": "无医疗证明 索要5000元", "legal_referral": True}


def test_rule_3_8_a_suspected_extortion_is_reviewed_before_any_proposal(complaint):
    run = complaint(EXTORTION, overrides={"Task_ProposeSolution": {"compensation_amount": 1500}})
    task = run.drive(until="Task_ExtortionReview")
    assert run.order == T("ConfirmRecord", "ClassifyComplaint", "AcknowledgeHandover", "Investigate")  # no proposal yet
    assert run.instance()["variables"]["severity"]["suspected_extortion"] is True
    assert task["candidate_groups"] == ["cs_supervisors"] and task["lane"] == "cs_supervisors"
    run.complete(task)  # genuine: the department proposes a solution
    assert run.ready_task()["element_id"] == "Task_ProposeSolution"
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD[:4], "Task_ExtortionReview", HEAD[4], "Task_ApproveByDirector", *TAIL],
        outcome="resolved",
        approval_level=APPROVED_BY_DIRECTOR,
        severity_level="E",
    )
    assert inst["variables"]["extortion_decision"] == "genuine"


def test_rule_3_8_the_review_happens_once_even_when_the_customer_asks_to_re_investigate(complaint):
    overrides = {"Task_CustomerAgreement": [{"customer_response": "re_investigate", "customer_feedback": "不认可"}]}
    run = complaint(EXTORTION, overrides=overrides)
    run.drive()
    order = run.order
    assert order.count("Task_ExtortionReview") == 1 and order.count("Task_Investigate") == 2
    second = order.index("Task_Investigate", order.index("Task_CustomerAgreement"))
    assert order[second + 1] == "Task_ProposeSolution"


def test_rule_3_8_an_extortion_refuses_compensation_records_it_and_goes_to_closing(complaint):
    run = complaint(EXTORTION, overrides={"Task_ExtortionReview": REFUSED})
    run.drive()
    assert run.order == [*HEAD[:4], "Task_ExtortionReview", "Task_CloseArchive"]
    inst = run.instance("supervisor")
    v = inst["variables"]
    assert (inst["status"], v["outcome"], v["extortion_decision"], v["legal_referral"]) == (
        "completed",
        "compensation_refused",
        "extortion",
        True,
    )
    assert "compensation_amount" not in v and "approval_level" not in v  # nothing was proposed
    [sent] = [h for h in inst["history"] if h["type"] == "notification_sent"]
    assert (sent["element_id"], sent["detail"]["kind"], sent["detail"]["recipients"]) == (
        "Notify_LegalReferral",
        "escalation",
        ["pr"],
    )
    notes = run.login("pr").get("/notifications", expect=200)["items"]
    [note] = [n for n in notes if n["instance_id"] == run.instance_id]
    assert "Suspected extortion referred to legal" in note["title"] and "5000" in note["message"]


def test_rule_3_8_an_extortion_without_legal_referral_tells_nobody(complaint):
    refused = {**REFUSED, "legal_referral": False}
    run = complaint(EXTORTION, overrides={"Task_ExtortionReview": refused})
    run.drive()
    inst = run.instance("supervisor")
    assert inst["variables"]["outcome"] == "compensation_refused" and inst["status"] == "completed"
    assert [h for h in inst["history"] if h["type"] == "notification_sent"] == []


def test_rule_3_8_no_review_with_medical_proof_or_a_small_claim(complaint):
    for intake in ({**EXTORTION, "medical_proof": True}, {**EXTORTION, "claim_amount": 2000}):
        run = complaint(intake)
        run.drive()
        assert "Task_ExtortionReview" not in run.order and run.instance()["variables"]["outcome"] == "resolved"


def test_rule_3_8_a_legal_referral_needs_the_extortion_decision(complaint):
    run = complaint(EXTORTION)
    task = run.drive(until="Task_ExtortionReview")
    body = {"data": {**REFUSED, "extortion_decision": "genuine"}}
    err = run.login("supervisor").post(f"/tasks/{task['id']}/complete", json=body, expect=422)
    assert "extortion_decision" in str(err["error"]["details"])
    assert run.ready_task()["element_id"] == "Task_ExtortionReview"  # nothing changed

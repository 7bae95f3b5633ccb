"""Rule 1.7 (domain.md §1.7): a customer who does not accept the solution may have it
re-investigated, escalated, or put to an external review (industry or consumer association,
court, arbitration). External review is a branch of the escalation decision: Task_ExternalReview
records the body's outcome; the company upheld closes the case, the customer upheld or a
settlement revises the solution (docs/complaint_handling.md)."""

from __future__ import annotations

from tests.scenario.conftest import APPROVED_BY_MANAGER, HEAD, TAIL

ESCALATE = {"customer_response": "escalate", "customer_feedback": "要求外部评审"}
TO_EXTERNAL = {
    "escalation_decision": "external_review",
    "review_note": "客户申请消协调解",
    "external_review_body": "consumer_association",
}
UPHELD = {"external_review_outcome": "company_upheld", "external_review_result": "消协认为方案合理"}


def test_rule_1_7_an_external_review_upholding_the_company_closes_the_case(complaint):
    overrides = {
        "Task_CustomerAgreement": [ESCALATE],
        "Task_EscalationReview": TO_EXTERNAL,
        "Task_ExternalReview": UPHELD,
    }
    run = complaint(overrides=overrides)
    run.drive()
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", TAIL[0], "Task_EscalationReview", "Task_ExternalReview", TAIL[-1]],
        outcome="closed_by_external_review",
        approval_level=APPROVED_BY_MANAGER,
    )
    v = inst["variables"]
    assert (v["external_review_body"], v["external_review_outcome"]) == ("consumer_association", "company_upheld")
    assert v["external_review_result"] == "消协认为方案合理"


def test_rule_1_7_an_external_review_upholding_the_customer_revises_the_solution(complaint):
    overrides = {"Task_CustomerAgreement": [ESCALATE], "Task_EscalationReview": TO_EXTERNAL}
    run = complaint(overrides=overrides)
    run.drive()
    review = ["Task_EscalationReview", "Task_ExternalReview", "Task_ProposeSolution", "Task_ApproveByManager"]
    inst = run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", TAIL[0], *review, *TAIL],
        outcome="resolved",
        approval_level=APPROVED_BY_MANAGER,
    )
    assert inst["variables"]["external_review_outcome"] == "customer_upheld"


def test_rule_1_7_an_external_review_names_its_body(complaint):
    run = complaint(overrides={"Task_CustomerAgreement": [ESCALATE]})
    task = run.drive(until="Task_EscalationReview")
    for body in (
        {**TO_EXTERNAL, "external_review_body": "none"},
        {"escalation_decision": "external_review", "review_note": "x"},
    ):
        err = run.login("director").post(f"/tasks/{task['id']}/complete", json={"data": body}, expect=422)
        assert [d["field"] for d in err["error"]["details"]] == ["external_review_body"]
    assert run.ready_task()["element_id"] == "Task_EscalationReview"  # nothing changed

"""Severity at intake through the API (docs/complaint_handling.md "Severity", domain.md §3): the
``severity`` variable set by ``Service_ClassifySeverity``, and the suggested grade prefilled on
the classification form."""

from __future__ import annotations

import pytest

from tests.scenario.conftest import APPROVED_BY_MANAGER, HEAD, HEAD_WITH_SITE_VISIT, INTAKE, TAIL

LEVELS = {
    "A": (
        "red",
        ["sales_director", "pr_legal"],
        ["vice_president", "centre_general_manager", "sales_director", "pr_legal", "regional_manager", "cs_head"],
    ),
    "B": (
        "orange",
        ["regional_manager", "pr_legal"],
        ["centre_general_manager", "sales_director", "pr_legal", "regional_manager", "cs_head"],
    ),
    "C": (
        "yellow",
        ["regional_manager", "pr_legal"],
        ["sales_director", "pr_legal", "regional_manager", "provincial_manager", "cs_head"],
    ),
    "D": (
        "blue",
        ["provincial_manager"],
        ["regional_manager", "provincial_manager", "city_manager", "distributor_head", "cs_head"],
    ),
    "E": ("none", ["city_manager"], ["city_manager", "distributor_head"]),
}
# The suggested grade per level (general/important/major/crisis); D follows the handler.
GRADES = {"A": "crisis", "B": "major", "C": "important", "D": "important", "E": "general"}


def example(extra, level, criteria, *, id, extortion=False):
    return pytest.param(extra, level, criteria, extortion, id=id)


EXAMPLES = [
    example({}, "E", ["general_complaint"], id="nothing->E"),
    example({"contact_count": 1}, "E", ["general_complaint"], id="first_contact->E"),
    example({"contact_count": 2}, "D", ["secondary_complaint"], id="contact_count_2->D"),
    example({"contact_count": 3}, "C", ["contacted_3_or_more_times", "secondary_complaint"], id="contact_count_3->C"),
    example({"claim_amount": 10000}, "C", ["claim_amount_10000_or_more"], extortion=True, id="claim_10000->C"),
    example({"claim_amount": 9999.99}, "E", ["general_complaint"], extortion=True, id="claim_9999.99->E"),
    example(
        {"channel": "third_party", "forwarded_by": "state_body"},
        "C",
        ["forwarded_by_state_body"],
        id="third_party_state_body->C",
    ),
    example({"channel": "third_party", "forwarded_by": "media"}, "E", ["general_complaint"], id="third_party_media->E"),
    example({"distributor_batch_feedback": True}, "C", ["distributor_batch_feedback"], id="batch_feedback->C"),
    example({"written_liability_requested": True}, "C", ["written_liability_requested"], id="written_liability->C"),
    example({"health_symptoms": True}, "B", ["health_symptoms"], id="health_symptoms->B"),
    example({"media_threat": True}, "B", ["media_threat"], id="media_threat->B"),
    example({"legal_action": True}, "B", ["legal_action"], id="legal_action->B"),
    example({"uncooperative": True}, "B", ["uncooperative"], id="uncooperative->B"),
    example({"sued": True}, "A", ["sued"], id="sued->A"),
    example({"media_exposed": True}, "A", ["media_exposed"], id="media_exposed->A"),
    example({"failed_inspection": True}, "A", ["failed_inspection"], id="failed_inspection->A"),
    example({"recalled": True}, "A", ["recalled"], id="recalled->A"),
    example({"sued": False, "health_symptoms": False}, "E", ["general_complaint"], id="false_flags->E"),
    example(
        {"sued": True, "health_symptoms": True, "contact_count": 2},
        "A",
        ["sued", "health_symptoms", "secondary_complaint"],
        id="most_severe_wins",
    ),
    example({"claim_amount": 2000.01}, "E", ["general_complaint"], extortion=True, id="claim_2000.01_no_proof"),
    example(
        {"claim_amount": 2000.01, "medical_proof": False}, "E", ["general_complaint"], extortion=True, id="proof_false"
    ),
    example({"claim_amount": 2000.01, "medical_proof": True}, "E", ["general_complaint"], id="claim_2000.01_proof"),
    example({"claim_amount": 2000}, "E", ["general_complaint"], id="claim_2000_exactly"),
]


@pytest.mark.parametrize(("extra", "level", "criteria", "extortion"), EXAMPLES)
def test_severity_at_intake(complaint, extra, level, criteria, extortion):
    run = complaint({**INTAKE, **extra})
    task = run.drive(until="Task_ConfirmRecord")
    v = run.instance()["variables"]
    colour, responsible, informed = LEVELS[level]
    severity = v["severity"]
    assert (severity["level"], severity["colour"], severity["grade"]) == (level, colour, GRADES[level])
    assert [r["criterion"] for r in severity["reasons"]] == criteria
    assert severity["reasons"][0]["level"] == level
    levels = [r["level"] for r in severity["reasons"]]
    assert levels == sorted(levels)  # most severe first
    assert (severity["responsible"], severity["informed"]) == (responsible, informed)
    assert severity["suspected_extortion"] is extortion
    assert v["severity_grade"] == GRADES[level] and v["reopen_count"] == 0
    assert task["assignee"] == "agent"


@pytest.mark.parametrize(
    ("extra", "grade"),
    [
        pytest.param({}, "general", id="E->general"),
        pytest.param({"contact_count": 2}, "important", id="D->important"),
        pytest.param({"claim_amount": 10000}, "important", id="C->important"),
        pytest.param({"health_symptoms": True}, "major", id="B->major"),
        pytest.param({"sued": True}, "crisis", id="A->crisis"),
    ],
)
def test_classification_form_is_prefilled_with_the_suggested_grade(complaint, extra, grade):
    run = complaint({**INTAKE, **extra, "subject": "logistics"})
    task = run.drive(until="Task_ClassifyComplaint")
    for user in ("supervisor", "agent"):
        detail = run.login(user).get(f"/tasks/{task['id']}", expect=200)
        assert detail["form"]["key"] == "classify_complaint"
        assert detail["data"]["severity_grade"] == grade
        assert detail["data"]["subject"] == "logistics"  # the intake's subject, too
    run.login("hr").get(f"/tasks/{task['id']}", expect=403)


def test_classification_may_override_the_suggested_grade(complaint):
    """The supervisor raises a level-E complaint to crisis: ``severity_grade`` follows the form,
    the intake's ``severity`` stays as computed, and the flow runs to the end."""
    run = complaint(overrides={"Task_ClassifyComplaint": {"subject": "sales", "severity_grade": "crisis"}})
    task = run.drive(until="Task_Investigate")
    assert task["candidate_groups"] == ["sales"]
    v = run.instance()["variables"]
    assert v["severity_grade"] == "crisis" and v["severity"]["level"] == "E" and v["severity"]["grade"] == "general"
    run.drive()
    run.assert_completed(
        order=[*HEAD_WITH_SITE_VISIT, "Task_ApproveByManager", *TAIL],
        outcome="resolved",
        approval_level=APPROVED_BY_MANAGER,
    )


def test_level_a_complaint_runs_the_whole_flow(complaint):
    intake = {**INTAKE, "sued": True, "claim_amount": 20000, "customer_request": "compensation"}
    run = complaint(
        intake,
        overrides={
            "Task_ClassifyComplaint": {"severity_grade": "crisis"},
            "Task_ProposeSolution": {"compensation_amount": 5000},
        },
    )
    run.drive()
    inst = run.assert_completed(
        # 20,000 yuan without medical proof: the supervisors review it first (rule 3.8), genuine
        order=[*HEAD[:4], "Task_ExtortionReview", HEAD[4], "Task_ApproveByDirector", *TAIL],
        outcome="resolved",
        severity_level="A",
        approval_level={"approver_group": "marketing_director", "limit": 10000},
    )
    severity = inst["variables"]["severity"]
    assert [r["criterion"] for r in severity["reasons"]] == ["sued", "claim_amount_10000_or_more"]
    assert severity["suspected_extortion"] is True

"""Rule 4.1 from a complaint: a level-A complaint (or a level-B one whose customer threatens the
media) starts a linked ``crisis_response`` at emergency level 1 (A) or 2 (B) and goes on
without waiting for it; the two cases' data stay apart (docs/complaint_handling.md,
"Crisis links")."""

from __future__ import annotations

from typing import Any

from tests.crisis_steps import Crisis
from tests.scenario.conftest import HEAD, INTAKE, TAIL

LEVEL_1 = (
    "Task_FormTaskForce",
    "Task_Investigate",
    "Task_MediaStatement",
    "Task_DesignSolution",
    "Task_ApologiseNegotiate",
    "Task_Implement",
    "Task_LegalAssessment",
    "Task_TrackEvaluate",
)


def crisis_of(run: Any, login: Any) -> tuple[dict[str, Any], Crisis]:
    [link] = [link for link in run.instance()["links"] if link["role"] == "crisis"]
    return link, Crisis(login, instance_id=link["instance_id"])


def test_rule_4_1_a_level_a_complaint_starts_the_emergency_response(complaint, login):
    run = complaint({**INTAKE, "media_exposed": True})
    assert run.drive(until="Task_Investigate") is not None  # the complaint goes on at once
    link, crisis = crisis_of(run, login)
    assert (link["process_key"], link["reason"], link["status"]) == ("crisis_response", "complaint_level", "running")
    v = crisis.variables()
    assert (v["emergency_level"], v["complaint_level"], v["source_case"], v["customer"]) == (
        1,
        "A",
        run.business_key,
        "张三",
    )
    assert INTAKE["description"] in v["summary"]
    [sent] = crisis.sent("Notify_Leadership")
    assert sorted(sent["recipients"]) == ["gm"]
    assert crisis.ready() == ["Task_FormTaskForce"]
    assert crisis.instance()["started_by"] == "supervisor"  # who classified the complaint
    [started] = [h for h in run.instance()["history"] if h["type"] == "crisis_started"]
    assert (started["element_id"], started["detail"]["crisis"]) == ("Service_StartCrisis", link["business_key"])


def test_rule_4_1_a_level_b_complaint_with_a_media_threat_starts_level_2(complaint, login):
    run = complaint({**INTAKE, "media_threat": True})
    run.drive(until="Task_Investigate")
    _, crisis = crisis_of(run, login)
    assert (crisis.variables()["emergency_level"], crisis.variables()["complaint_level"]) == (2, "B")
    assert crisis.sent("Notify_Leadership") == []
    assert crisis.ready() == ["Task_Investigate"]


def test_rule_4_1_every_level_b_complaint_starts_level_2(complaint, login):
    for flag in ("legal_action", "health_symptoms", "uncooperative"):
        run = complaint({**INTAKE, flag: True})
        run.drive(until="Task_Investigate")
        _, crisis = crisis_of(run, login)
        assert (crisis.variables()["emergency_level"], crisis.variables()["complaint_level"]) == (2, "B"), flag


def test_rule_4_1_level_c_and_lower_complaints_start_no_crisis(complaint):
    for intake in ({**INTAKE, "claim_amount": 10000, "medical_proof": True}, INTAKE):
        run = complaint(intake)
        run.drive(until="Task_Investigate")
        assert run.instance()["links"] == []


def test_rule_4_1_the_crisis_and_the_complaint_keep_their_data_apart(complaint, login):
    run = complaint(
        {**INTAKE, "sued": True},
        overrides={
            "Task_ClassifyComplaint": {"severity_grade": "crisis"},
            "Task_Investigate": {"responsibility": "customer", "root_cause": "储存不当"},
        },
    )
    run.complete(run.drive(until="Task_Investigate"))
    _, crisis = crisis_of(run, login)
    # the crisis finds the company responsible, implements on its own day, evaluates
    crisis.complete_all(*LEVEL_1[:5])
    crisis.complete("Task_Implement", {"implemented_on": "2026-01-01"})
    crisis.complete_all(*LEVEL_1[6:])
    assert crisis.instance()["status"] == "completed"
    crisis_data, complaint_data = crisis.variables(), run.instance()["variables"]
    assert (crisis_data["responsibility"], crisis_data["implemented_on"]) == ("company", "2026-01-01")
    # nothing of the crisis came back into the complaint ...
    assert complaint_data["responsibility"] == "customer" and complaint_data["root_cause"] == "储存不当"
    assert not {"implemented_on", "findings", "solution", "leader", "statement", "emergency_level"} & set(
        complaint_data
    )
    # ... and nothing of the complaint went into the crisis but its start record
    assert not {"description", "severity", "routing", "root_cause", "complainant", "sla"} & set(crisis_data)
    assert crisis_data["registration_number"] != run.business_key == crisis_data["source_case"]
    run.drive()
    run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", *TAIL],
        outcome="resolved",
        severity_level="A",
        approval_level={"approver_group": "managers", "limit": 500},
    )
    assert run.instance()["variables"]["implemented_on"] == "2026-01-02"  # its own implementation

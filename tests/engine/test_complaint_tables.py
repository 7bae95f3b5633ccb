"""The four decision tables of processes/ that analysts own, row by row, through the engine.

Each table runs in a small diagram whose business-rule task calls it (the scenario tests run
the same tables inside complaint_handling). Expectations are domain.md's, written out here.
"""

from __future__ import annotations

import pytest

from tests.engine.corpus_harness import Run
from tests.engine.decision_diagrams import compiled, product_table, rule_diagram


def decide(name: str, **data: object) -> Run:
    return Run(compiled(rule_diagram(f"table_{name}", name), [product_table(name)]), data)


def decided(name: str, variable: str, **data: object) -> object:
    run = decide(name, **data)
    assert run.result.incident is None, run.result.incident
    return run.inst.variables()[variable]


# --- approval authority -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "group", "limit"),
    [
        (0, "managers", 500),
        (500, "managers", 500),
        (500.01, "cs_supervisors", 1000),
        (1000, "cs_supervisors", 1000),
        (1000.01, "marketing_director", 10000),
        (10_000, "marketing_director", 10000),
        (10_000.01, "general_manager", None),
        (250_000, "general_manager", None),
    ],
)
def test_approval_authority_by_amount(amount, group, limit):
    result = decided("approval_authority", "approval_level", compensation_amount=amount)
    assert result == {"approver_group": group, "limit": limit}


@pytest.mark.parametrize("amount", [-0.01, -500, None])
def test_a_negative_or_missing_amount_is_an_incident_at_the_task(amount):
    run = decide("approval_authority", compensation_amount=amount)
    assert run.result.incident is not None and run.result.incident.element_id == "rule"
    assert "approval_authority" in run.result.incident.message
    assert run.ready() == []


# --- severity criteria (COLLECT) ----------------------------------------------------------

FLAGS = {
    "failed_inspection": "A",
    "media_exposed": "A",
    "sued": "A",
    "recalled": "A",
    "media_threat": "B",
    "legal_action": "B",
    "health_symptoms": "B",
    "uncooperative": "B",
    "distributor_batch_feedback": "C",
    "written_liability_requested": "C",
}
NOTHING = {
    **dict.fromkeys(FLAGS),
    "channel": "phone",
    "forwarded_by": None,
    "claim_amount": None,
    "contact_count": 1,
}


def criteria(**facts: object) -> list[dict[str, str]]:
    reasons = decided("severity_criteria", "severity_reasons", **{**NOTHING, **facts})
    assert isinstance(reasons, list)
    return reasons


def test_no_criterion_matches_a_plain_complaint():
    assert criteria() == []
    assert criteria(sued=False, media_threat=False) == []


@pytest.mark.parametrize(("flag", "level"), FLAGS.items())
def test_each_intake_flag_is_a_criterion_of_its_level(flag, level):
    assert criteria(**{flag: True}) == [{"criterion": flag, "level": level}]


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"channel": "third_party", "forwarded_by": "state_body"}, [("forwarded_by_state_body", "C")]),
        ({"channel": "third_party", "forwarded_by": "media"}, []),
        ({"channel": "phone", "forwarded_by": "state_body"}, []),
        ({"claim_amount": 10000}, [("claim_amount_10000_or_more", "C")]),
        ({"claim_amount": 9999.99}, []),
        ({"contact_count": 2}, [("secondary_complaint", "D")]),
        ({"contact_count": 3}, [("contacted_3_or_more_times", "C"), ("secondary_complaint", "D")]),
        ({"contact_count": None}, []),
        (
            {"sued": True, "health_symptoms": True, "claim_amount": 20000},
            [("sued", "A"), ("health_symptoms", "B"), ("claim_amount_10000_or_more", "C")],
        ),
    ],
)
def test_facts_and_thresholds(facts, expected):
    assert criteria(**facts) == [{"criterion": c, "level": lv} for c, lv in expected]


# --- handling time limit per grade --------------------------------------------------------


@pytest.mark.parametrize(("grade", "hours"), [("crisis", 2), ("important", 6), ("major", 12), ("general", 24)])
def test_handling_hours_per_grade(grade, hours):
    assert decided("handling_time_limit", "handling_hours", severity_grade=grade) == hours


def test_an_unknown_grade_is_an_incident_at_the_task():
    run = decide("handling_time_limit", severity_grade="urgent")
    assert run.result.incident.element_id == "rule"
    assert "no rule of decision 'handling_time_limit' matches (severity_grade = 'urgent')" in (
        run.result.incident.message
    )


# --- routing of subjects ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("subject", "group"),
    [
        ("product_quality", "quality"),
        ("service_quality", "cs_supervisors"),
        ("contract_dispute", "sales"),
        ("sales", "sales"),
        ("after_sales", "aftersales"),
        ("logistics", "logistics"),
        ("other", "cs_supervisors"),
    ],
)
def test_each_subject_goes_to_its_department(subject, group):
    assert decided("subject_department", "routing", subject=subject) == {"responsible_group": group}


def test_an_unknown_subject_is_an_incident_naming_the_task_and_the_subject():
    run = decide("subject_department", subject="nonsense")
    assert run.result.incident.element_id == "rule"
    assert "no rule of decision 'subject_department' matches (subject = 'nonsense')" in (run.result.incident.message)

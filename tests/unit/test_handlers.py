"""The severity handler: a level from the criteria the ``severity_criteria`` table matched.

Which criteria match is the decision table's (tests/engine/test_complaint_tables.py and
tests/scenario/test_complaint_severity.py run it through the engine); here only what a level
means and the extortion flag."""

import pytest

from handlers import REGISTRY, severity_from_criteria


def reason(criterion: str, level: str) -> dict:
    return {"criterion": criterion, "level": level}


def test_registry_names_every_handler():
    assert set(REGISTRY) == {
        "severity_from_criteria",
        "sla_deadlines",
        "escalate_severity",
        "appeal_time_limits",
        "accountability_period",
        "accountability_proposals",
    }
    assert REGISTRY["severity_from_criteria"] is severity_from_criteria


def test_no_criterion_is_a_general_complaint_level_e():
    result = severity_from_criteria({"reasons": []})
    assert result == {
        "level": "E",
        "colour": "none",
        "grade": "general",
        "responsible": ["city_manager"],
        "informed": ["city_manager", "distributor_head"],
        "reasons": [reason("general_complaint", "E")],
        "suspected_extortion": False,
    }


@pytest.mark.parametrize(
    ("level", "colour", "grade", "responsible"),
    [
        ("A", "red", "crisis", ["sales_director", "pr_legal"]),
        ("B", "orange", "major", ["regional_manager", "pr_legal"]),
        ("C", "yellow", "important", ["regional_manager", "pr_legal"]),
        ("D", "blue", "important", ["provincial_manager"]),
    ],
)
def test_each_level_has_its_colour_grade_and_people(level, colour, grade, responsible):
    result = severity_from_criteria({"reasons": [reason("x", level)]})
    assert (result["level"], result["colour"], result["grade"], result["responsible"]) == (
        level,
        colour,
        grade,
        responsible,
    )
    assert "cs_head" in result["informed"]


def test_most_severe_criterion_wins_and_the_table_order_stays_within_a_level():
    reasons = [reason("contacted_3_or_more_times", "C"), reason("secondary_complaint", "D"), reason("sued", "A")]
    reasons.insert(1, reason("claim_amount_10000_or_more", "C"))
    result = severity_from_criteria({"reasons": reasons})
    assert result["level"] == "A"
    assert [r["criterion"] for r in result["reasons"]] == [
        "sued",
        "contacted_3_or_more_times",
        "claim_amount_10000_or_more",
        "secondary_complaint",
    ]


@pytest.mark.parametrize(
    ("amount", "proof", "suspected"),
    [(2000, False, False), (2000.01, False, True), (2000.01, True, False), (5000, None, True), (None, False, False)],
)
def test_suspected_extortion_over_2000_without_medical_proof(amount, proof, suspected):
    result = severity_from_criteria({"reasons": [], "claim_amount": amount, "medical_proof": proof})
    assert result["suspected_extortion"] is suspected
    assert result["level"] == "E"  # a flag for the handler, not a level


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"reasons": "sued"},
        {"reasons": [{"criterion": "sued", "level": "Z"}]},
        {"reasons": [{"level": "A"}]},
        {"reasons": [], "claim_amount": "100"},
        {"reasons": [], "claim_amount": True},
    ],
)
def test_bad_input_is_refused(params):
    with pytest.raises(ValueError, match="must be"):
        severity_from_criteria(params)

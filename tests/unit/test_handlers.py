"""Service-task handlers: severity levels, routing by subject, authority limits."""

import pytest

from handlers import REGISTRY, approval_level_for, classify_severity, route_by_subject


def criteria(result: dict) -> list[str]:
    return [reason["criterion"] for reason in result["reasons"]]


def test_registry_names_every_handler():
    assert REGISTRY["classify_severity"] is classify_severity
    assert REGISTRY["route_by_subject"] is route_by_subject
    assert REGISTRY["approval_level_for"] is approval_level_for


# --- classify_severity --------------------------------------------------------


def test_plain_complaint_is_level_e_with_no_colour():
    result = classify_severity({"channel": "phone"})
    assert result["level"] == "E"
    assert result["colour"] == "none"
    assert result["grade"] == "general"
    assert result["reasons"] == [{"criterion": "general_complaint", "level": "E"}]
    assert result["responsible"] == ["city_manager"]
    assert result["informed"] == ["city_manager", "distributor_head"]
    assert result["suspected_extortion"] is False


def test_absent_optional_fields_may_be_none():
    params = {"channel": "email", "claim_amount": None, "contact_count": None}
    params |= {"media_threat": None, "forwarded_by": None, "medical_proof": None}
    assert classify_severity(params)["level"] == "E"


@pytest.mark.parametrize(
    ("flag", "level", "colour"),
    [
        ("failed_inspection", "A", "red"),
        ("media_exposed", "A", "red"),
        ("sued", "A", "red"),
        ("media_threat", "B", "orange"),
        ("legal_action", "B", "orange"),
        ("health_symptoms", "B", "orange"),
        ("uncooperative", "B", "orange"),
        ("distributor_batch_feedback", "C", "yellow"),
        ("written_liability_requested", "C", "yellow"),
    ],
)
def test_each_intake_flag_sets_its_level(flag, level, colour):
    result = classify_severity({"channel": "online", flag: True})
    assert (result["level"], result["colour"]) == (level, colour)
    assert result["reasons"] == [{"criterion": flag, "level": level}]


def test_false_flags_do_not_count():
    assert classify_severity({"channel": "online", "sued": False})["level"] == "E"


def test_forwarded_by_a_state_body_is_level_c():
    result = classify_severity({"channel": "third_party", "forwarded_by": "state_body"})
    assert result["level"] == "C"
    assert criteria(result) == ["forwarded_by_state_body"]


def test_third_party_not_from_a_state_body_is_not_level_c():
    params = {"channel": "third_party", "forwarded_by": "consumer_association"}
    assert classify_severity(params)["level"] == "E"


def test_state_body_needs_the_third_party_channel():
    params = {"channel": "phone", "forwarded_by": "state_body"}
    assert classify_severity(params)["level"] == "E"


@pytest.mark.parametrize(("amount", "level"), [(9999.99, "E"), (10000, "C"), (10000.01, "C"), (0, "E")])
def test_claim_of_10000_yuan_or_more_is_level_c(amount, level):
    result = classify_severity({"channel": "phone", "claim_amount": amount, "medical_proof": True})
    assert result["level"] == level
    if level == "C":
        assert criteria(result) == ["claim_amount_10000_or_more"]


@pytest.mark.parametrize(
    ("count", "expected"),
    [
        (1, ["general_complaint"]),
        (2, ["secondary_complaint"]),
        (3, ["contacted_3_or_more_times", "secondary_complaint"]),
    ],
)
def test_repeated_contacts(count, expected):
    result = classify_severity({"channel": "phone", "contact_count": count})
    assert criteria(result) == expected
    assert result["level"] == {1: "E", 2: "D", 3: "C"}[count]


def test_level_d_is_blue_and_provincial_manager_responsible():
    result = classify_severity({"channel": "phone", "contact_count": 2})
    assert result["colour"] == "blue"
    assert result["responsible"] == ["provincial_manager"]


def test_most_severe_criterion_wins_and_all_are_listed():
    params = {"channel": "third_party", "forwarded_by": "state_body"}
    params |= {"media_threat": True, "sued": True, "claim_amount": 20000}
    result = classify_severity(params)
    assert result["level"] == "A"
    assert result["grade"] == "crisis"
    assert criteria(result) == [
        "sued",
        "media_threat",
        "forwarded_by_state_body",
        "claim_amount_10000_or_more",
    ]
    assert result["responsible"] == ["sales_director", "pr_legal"]
    assert "vice_president" in result["informed"]


def test_level_b_involves_pr_media_legal():
    result = classify_severity({"channel": "walk_in", "health_symptoms": True})
    assert result["responsible"] == ["regional_manager", "pr_legal"]
    assert result["grade"] == "major"


@pytest.mark.parametrize(
    ("amount", "proof", "suspected"),
    [
        (2000, False, False),
        (2000.01, False, True),
        (2000.01, True, False),
        (5000, None, True),
        (None, False, False),
    ],
)
def test_suspected_extortion_over_2000_without_medical_proof(amount, proof, suspected):
    params = {"channel": "phone", "claim_amount": amount, "medical_proof": proof}
    result = classify_severity(params)
    assert result["suspected_extortion"] is suspected
    assert result["level"] == "E"  # a flag for the handler, not a level


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"channel": "fax"},
        {"channel": "phone", "claim_amount": -1},
        {"channel": "phone", "claim_amount": "100"},
        {"channel": "phone", "claim_amount": True},
        {"channel": "phone", "contact_count": "3"},
        {"channel": "phone", "media_threat": "yes"},
    ],
)
def test_bad_input_is_refused(params):
    with pytest.raises(ValueError, match="must be"):
        classify_severity(params)


# --- route_by_subject ---------------------------------------------------------


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
def test_route_by_subject(subject, group):
    assert route_by_subject({"subject": subject}) == {"responsible_group": group}


@pytest.mark.parametrize("params", [{}, {"subject": None}, {"subject": "weather"}])
def test_unknown_subject_is_refused(params):
    with pytest.raises(ValueError, match="subject"):
        route_by_subject(params)


# --- approval_level_for -------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "group", "limit"),
    [
        (0, "managers", 500),
        (500, "managers", 500),
        (500.01, "cs_supervisors", 1000),
        (1000, "cs_supervisors", 1000),
        (1000.01, "marketing_director", None),
        (10000, "marketing_director", None),
    ],
)
def test_approval_by_authority_limit(amount, group, limit):
    assert approval_level_for({"amount": amount}) == {
        "approver_group": group,
        "limit": limit,
    }


@pytest.mark.parametrize("amount", [None, -0.01, "500", True, float("nan"), float("inf")])
def test_bad_amount_is_refused(amount):
    with pytest.raises(ValueError, match="amount"):
        approval_level_for({"amount": amount})

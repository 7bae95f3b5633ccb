"""SLA handlers: due times of each time limit (domain.md §2) and escalation of a severity (§3)."""

from datetime import datetime

import pytest

from handlers import REGISTRY, escalate_severity, severity_from_criteria, sla_deadlines

FRIDAY_5PM = "2026-03-06T17:00:00+08:00"  # a Friday; Monday 03-09 and Tuesday 03-10 are working days


def deadlines(**params):
    return sla_deadlines({"received_at": FRIDAY_5PM, "severity_grade": "general", "handling_hours": 24, **params})


def test_registry_names_the_sla_handlers():
    assert REGISTRY["sla_deadlines"] is sla_deadlines
    assert REGISTRY["escalate_severity"] is escalate_severity


def test_contact_and_first_reply_in_clock_hours_with_reminders_at_75_percent():
    sla = deadlines()
    assert sla["contact_due"] == "2026-03-07T05:00:00+08:00"  # 12 h, a Saturday: clock hours
    assert sla["contact_reminder"] == "2026-03-07T02:00:00+08:00"  # 9 h
    assert sla["first_reply_due"] == "2026-03-07T17:00:00+08:00"
    assert sla["first_reply_reminder"] == "2026-03-07T11:00:00+08:00"  # 18 h


@pytest.mark.parametrize(("grade", "hours"), [("crisis", 2), ("important", 6), ("major", 12), ("general", 24)])
def test_handling_deadline_by_grade(grade, hours):
    # the hours come from the handling_time_limit table (tests/engine/test_complaint_tables.py)
    sla = deadlines(severity_grade=grade, handling_hours=hours, subject="product_quality")
    received = datetime.fromisoformat(FRIDAY_5PM)
    due = datetime.fromisoformat(sla["handling_due"])
    reminder = datetime.fromisoformat(sla["handling_reminder"])
    assert (due - received).total_seconds() == hours * 3600
    assert (reminder - received).total_seconds() == hours * 3600 * 0.75
    assert sla["handling_rule"] == f"{grade}_{hours}h"


def test_site_visit_within_2_working_days_reminder_in_working_time():
    sla = deadlines(subject="after_sales")
    assert sla["site_visit_due"] == "2026-03-10T17:00:00+08:00"  # Fri 17:00 + 2 working days
    # 16 working hours (Fri 1 h, Mon 8 h, Tue 7 h); 75 % = 12 h -> Tue 12:00
    assert sla["site_visit_reminder"] == "2026-03-10T12:00:00+08:00"


@pytest.mark.parametrize(
    ("source", "due", "rule"),
    [
        ("internal", "2026-03-10T18:00:00+08:00", "sales_internal_3_working_days"),
        ("external", "2026-03-16T18:00:00+08:00", "sales_external_7_working_days"),
    ],
)
def test_sales_complaints_by_source_end_of_nth_working_day(source, due, rule):
    sla = deadlines(subject="sales", sales_complaint_source=source, severity_grade="important")
    assert (sla["handling_due"], sla["handling_rule"]) == (due, rule)
    assert sla["handling_reminder"] < sla["handling_due"]


def test_sales_internal_reminder_at_75_percent_of_working_time():
    sla = deadlines(subject="sales", sales_complaint_source="internal")
    # Fri 1 h + Mon 8 h + Tue 8 h = 17 h; 75 % = 12.75 h -> Tue 13:45
    assert sla["handling_reminder"] == "2026-03-10T13:45:00+08:00"


def test_sales_complaint_without_source_falls_back_to_the_grade():
    assert deadlines(subject="sales")["handling_rule"] == "general_24h"


def test_holidays_and_make_up_days_count_for_working_days():
    # Fri 2026-02-13 10:00 + 2 working days: Sat 02-14 is a make-up working day, then the
    # Spring Festival holiday until 02-23
    sla = sla_deadlines({"received_at": "2026-02-13T10:00:00+08:00", "severity_grade": "general", "handling_hours": 24})
    assert sla["site_visit_due"] == "2026-02-24T10:00:00+08:00"


def test_unresolved_after_one_calendar_month():
    sla = deadlines()
    assert sla["unresolved_due"] == "2026-04-06T17:00:00+08:00"
    assert sla["unresolved_reminder"] < sla["unresolved_due"]
    end_of_january = sla_deadlines(
        {"received_at": "2026-01-31T10:00:00+08:00", "severity_grade": "general", "handling_hours": 24}
    )
    assert end_of_january["unresolved_due"] == "2026-02-28T10:00:00+08:00"


def test_a_new_start_moves_only_the_handling_deadline():
    reopened = deadlines(start="2026-03-20T10:00:00+08:00")
    first = deadlines()
    assert reopened["handling_due"] == "2026-03-21T10:00:00+08:00"
    for key in ("contact_due", "first_reply_due", "site_visit_due", "unresolved_due"):
        assert reopened[key] == first[key]


def test_times_are_given_in_the_business_time_zone():
    sla = sla_deadlines({"received_at": "2026-03-06T09:00:00+00:00", "severity_grade": "major", "handling_hours": 12})
    assert sla["received_at"] == "2026-03-06T17:00:00+08:00"
    assert sla["handling_due"] == "2026-03-07T05:00:00+08:00"


def test_a_quality_complaint_is_due_within_24h_of_the_handling_start():  # rule 3.1
    assert deadlines(subject="product_quality")["quality_due"] == "2026-03-07T17:00:00+08:00"
    assert deadlines(subject="product_quality", start="2026-03-09T09:00:00+08:00")["quality_due"] == (
        "2026-03-10T09:00:00+08:00"
    )
    assert deadlines(subject="after_sales")["quality_due"] is None
    assert deadlines()["quality_due"] is None


def test_the_promised_waiting_time_counts_from_the_promise():  # rule 2.8
    promised = deadlines(promised_at="2026-03-06T10:30:00+00:00", promised_reply_hours=72)
    assert promised["promise_due"] == "2026-03-09T10:30:00+00:00"
    assert deadlines()["promise_due"] is None and deadlines(promised_reply_hours=8)["promise_due"] is None


@pytest.mark.parametrize("hours", [0, 72.5, "8", True])
def test_a_promise_outside_1_to_72_hours_is_refused(hours):
    with pytest.raises(ValueError, match="promised_reply_hours"):
        deadlines(promised_at=FRIDAY_5PM, promised_reply_hours=hours)


@pytest.mark.parametrize(
    "params",
    [
        {"severity_grade": "general"},
        {"received_at": "yesterday", "severity_grade": "general"},
        {"received_at": "2026-03-06T17:00:00", "severity_grade": "general"},
        {"received_at": FRIDAY_5PM, "severity_grade": "urgent"},
        {"received_at": FRIDAY_5PM, "severity_grade": "general", "sales_complaint_source": "partner"},
        {"received_at": FRIDAY_5PM, "severity_grade": "general"},
        {"received_at": FRIDAY_5PM, "severity_grade": "general", "handling_hours": 0},
        {"received_at": FRIDAY_5PM, "severity_grade": "general", "handling_hours": "6"},
    ],
)
def test_sla_deadlines_refuses_bad_input(params):
    with pytest.raises(ValueError):
        sla_deadlines(params)


# --- escalate_severity ---------------------------------------------------------


def test_escalates_a_general_complaint_to_level_d():
    result = escalate_severity(
        {"severity": severity_from_criteria({"reasons": []}), "to_level": "D", "reason": "not_contacted_within_12h"}
    )
    assert (result["level"], result["colour"], result["grade"]) == ("D", "blue", "important")
    assert result["responsible"] == ["provincial_manager"]
    assert result["informed"] == [
        "regional_manager",
        "provincial_manager",
        "city_manager",
        "distributor_head",
        "cs_head",
    ]
    assert result["reasons"] == [{"criterion": "not_contacted_within_12h", "level": "D"}]
    assert result["suspected_extortion"] is False


def test_a_more_severe_level_stays_and_the_reason_is_added_once():
    severity = severity_from_criteria({"reasons": [{"criterion": "claim_amount_10000_or_more", "level": "C"}]})
    once = escalate_severity({"severity": severity, "to_level": "D", "reason": "not_contacted_within_12h"})
    twice = escalate_severity({"severity": once, "to_level": "D", "reason": "not_contacted_within_12h"})
    assert once["level"] == twice["level"] == "C"
    assert once["responsible"] == severity["responsible"]
    assert twice["reasons"] == [
        {"criterion": "claim_amount_10000_or_more", "level": "C"},
        {"criterion": "not_contacted_within_12h", "level": "D"},
    ]


def test_one_month_unresolved_becomes_major():
    severity = severity_from_criteria({"reasons": [{"criterion": "secondary_complaint", "level": "D"}]})
    result = escalate_severity({"severity": severity, "to_level": "B", "reason": "unresolved_one_month"})
    assert (result["level"], result["grade"]) == ("B", "major")
    assert result["responsible"] == ["regional_manager", "pr_legal"]
    assert [r["criterion"] for r in result["reasons"]] == ["unresolved_one_month", "secondary_complaint"]


def test_grade_is_the_most_severe_of_current_classified_and_new():
    severity = severity_from_criteria({"reasons": []})
    assert escalate_severity({"severity": severity, "to_level": "D", "reason": "r", "grade": "crisis"})["grade"] == (
        "crisis"
    )
    assert escalate_severity({"severity": severity, "to_level": "B", "reason": "r", "grade": "general"})["grade"] == (
        "major"
    )


def test_escalation_waits_for_the_due_time_when_given():
    severity = severity_from_criteria({"reasons": []})
    params = {"severity": severity, "to_level": "B", "reason": "unresolved_one_month", "due": FRIDAY_5PM}
    early = escalate_severity({**params, "now": "2026-03-06T08:59:59+00:00"})
    late = escalate_severity({**params, "now": "2026-03-06T09:00:00+00:00"})
    assert early == severity
    assert late["level"] == "B"


def test_no_escalation_when_the_case_has_no_such_time_limit():
    severity = severity_from_criteria({"reasons": []})
    params = {"severity": severity, "to_level": "D", "reason": "quality_not_handled_within_24h"}
    assert escalate_severity({**params, "due": None, "now": FRIDAY_5PM}) == severity


@pytest.mark.parametrize(
    "params",
    [
        {"severity": None, "to_level": "D", "reason": "r"},
        {"severity": {"level": "F"}, "to_level": "D", "reason": "r"},
        {"severity": {"level": "E"}, "to_level": "Z", "reason": "r"},
        {"severity": {"level": "E"}, "to_level": "D", "reason": ""},
        {"severity": {"level": "E"}, "to_level": "D", "reason": "r", "grade": "urgent"},
        {"severity": {"level": "E"}, "to_level": "D", "reason": "r", "due": FRIDAY_5PM},
    ],
)
def test_escalate_severity_refuses_bad_input(params):
    with pytest.raises(ValueError):
        escalate_severity(params)

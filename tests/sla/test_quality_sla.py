"""Rule 3.1 (domain.md §3): a product-quality complaint not handled within 24 hours becomes
level D (blue): Timer_QualityBreach on SubProcess_Handling notifies level D's people at once,
and Service_QualityCheck records the level in the case data when the handling ends; other
subjects are not concerned (docs/complaint_handling.md, "Time limits")."""

from __future__ import annotations

from tests.scenario.conftest import INTAKE
from tests.sla.conftest import HOUR, INFORMED_ONLY, MINUTE, RESPONSIBLE, kinds, recipients

REASON = {"criterion": "quality_not_handled_within_24h", "level": "D"}


def test_rule_3_1_a_quality_complaint_not_handled_within_24h_becomes_level_d(case):
    c = case()
    c.to_handling(severity_grade="important")
    due = c.after(24)
    assert c.timers()["Timer_QualityBreach"] == due
    c.advance_to(due - MINUTE)
    assert "Timer_QualityBreach" not in c.fired()
    c.advance(2 * 60)
    assert "Timer_QualityBreach" in c.fired() and c.fired_at("Timer_QualityBreach") >= due
    assert (kinds(c, "Notify_QualityResponsible"), recipients(c, "Notify_QualityResponsible")) == (
        "escalation",
        RESPONSIBLE["D"],
    )
    assert (kinds(c, "Notify_QualityInformed"), recipients(c, "Notify_QualityInformed")) == (
        "info",
        INFORMED_ONLY["D"],
    )
    [note] = [n for n in c.notifications(RESPONSIBLE["D"][0]) if n["element_id"] == "Notify_QualityResponsible"]
    assert "not handled within 24 h: level D" in note["title"]
    assert [t["element_id"] for t in c.tasks()] == ["Task_Investigate"]  # the work goes on
    c.handle()
    severity = c.variables()["severity"]
    assert (severity["level"], severity["colour"], severity["responsible"]) == ("D", "blue", ["provincial_manager"])
    assert REASON in severity["reasons"] and c.variables()["severity_grade"] == "important"


def test_rule_3_1_a_quality_complaint_handled_within_24h_keeps_its_level(case):
    c = case()
    c.to_handling(severity_grade="general")
    c.advance(5 * HOUR)
    c.handle()
    assert "Timer_QualityBreach" not in c.timers()
    c.advance(2 * 24 * HOUR)
    assert "Timer_QualityBreach" not in c.fired() and c.sent("Notify_QualityResponsible") == []
    assert c.variables()["severity"]["level"] == "E"


def test_rule_3_1_other_subjects_do_not_become_level_d(case):
    c = case()
    c.to_handling(subject="after_sales", severity_grade="general")
    assert c.timers()["Timer_QualityBreach"] == c.timers()["Timer_UnresolvedBreach"]  # only the month
    c.advance(30 * HOUR)
    assert "Timer_QualityBreach" not in c.fired()
    c.handle()
    severity = c.variables()["severity"]
    assert severity["level"] == "E" and REASON not in severity["reasons"]


def test_rule_3_1_a_more_severe_level_stays_and_the_reason_is_recorded(case):
    c = case({**INTAKE, "distributor_batch_feedback": True})  # level C at intake
    c.to_handling(severity_grade="important")
    c.advance(25 * HOUR)
    assert recipients(c, "Notify_QualityResponsible") == RESPONSIBLE["C"]
    c.handle()
    severity = c.variables()["severity"]
    assert severity["level"] == "C" and REASON in severity["reasons"]

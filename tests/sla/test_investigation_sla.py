"""Rule 1.5 (domain.md §1.5), the time limit: the quality department reports on its
investigation within one day of the task (Timer_InvestigationReport on Task_Investigate); when it
is late the department and the customer-service supervisors are told and the investigation goes
on. Other departments have no such limit (docs/complaint_handling.md, "Time limits")."""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from tests.sla.conftest import HOUR, MINUTE, kinds, recipients


def test_rule_1_5_the_quality_department_reports_within_1_day(case):
    c = case()
    c.to_handling(severity_grade="important")
    started = c.now()
    [task] = c.tasks()
    due = c.timers()["Timer_InvestigationReport"]
    assert timedelta(days=1) - MINUTE < due - started <= timedelta(days=1)
    # the task shows the earliest limit that applies to it: here the case's 6 h handling deadline
    assert (datetime.fromisoformat(task["due_at"]), task["due_rule"]) == (c.after(6), "Timer_HandlingBreach")
    c.advance_to(due - MINUTE)
    assert "Timer_InvestigationReport" not in c.fired()
    c.advance(2 * 60)
    assert "Timer_InvestigationReport" in c.fired() and c.fired_at("Timer_InvestigationReport") >= due
    assert (kinds(c, "Notify_InvestigationLate"), recipients(c, "Notify_InvestigationLate")) == (
        "escalation",
        ["quality", "supervisor"],
    )
    [note] = [n for n in c.notifications("quality") if n["element_id"] == "Notify_InvestigationLate"]
    assert "No quality investigation report within 1 day" in note["title"]
    assert [t["element_id"] for t in c.tasks()] == ["Task_Investigate"]  # the investigation goes on


def test_rule_1_5_a_report_in_time_cancels_the_timer(case):
    c = case()
    c.to_handling(severity_grade="general")
    c.advance(20 * HOUR)
    c.complete("Task_Investigate")
    assert "Timer_InvestigationReport" not in c.timers()
    c.advance(10 * HOUR)
    assert "Timer_InvestigationReport" not in c.fired() and c.sent("Notify_InvestigationLate") == []


def test_rule_1_5_other_departments_have_no_1_day_limit(case):
    c = case()
    c.to_handling(subject="after_sales", severity_grade="general")
    started = c.now()
    due = c.timers()["Timer_InvestigationReport"]  # a month: its path ends at the gateway
    # P1M from a 31st lands on the 1st after a 30-day month (the engine's month arithmetic), a
    # day later than relativedelta's month-end clamp: either way a month, not a day
    assert started + relativedelta(months=1) - MINUTE < due <= started + relativedelta(months=1, days=1)
    c.advance(30 * HOUR)
    assert "Timer_InvestigationReport" not in c.fired() and c.sent("Notify_InvestigationLate") == []

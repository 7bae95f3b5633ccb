"""Rule 2.8 (domain.md §2): the waiting time promised to the customer at the confirmation
(``promised_reply_hours``, 1-72 h) is a timer: when it passes and the complaint is not handled
yet, the registering agent and the customer-service supervisors are told, and the work goes on
(Timer_PromiseBreach on SubProcess_Handling; docs/complaint_handling.md, "Time limits")."""

from __future__ import annotations

from datetime import timedelta

from tests.sla.conftest import HOUR, MINUTE, kinds, recipients


def test_rule_2_8_the_promised_waiting_time_is_a_timer(case):
    c = case()
    c.advance(HOUR)
    promised_at = c.now()
    c.complete("Task_ConfirmRecord", {"promised_reply_hours": 8})
    c.complete("Task_ClassifyComplaint", {"severity_grade": "general"})
    c.complete("Task_AcknowledgeHandover")  # handed over to the department (rule 2.4)
    due = c.timers()["Timer_PromiseBreach"]
    assert timedelta(hours=8) <= due - promised_at < timedelta(hours=8) + MINUTE
    c.advance_to(due - MINUTE)
    assert "Timer_PromiseBreach" not in c.fired()
    c.advance(2 * 60)
    assert c.fired() == ["Timer_PromiseBreach"] and c.fired_at("Timer_PromiseBreach") >= due
    assert (kinds(c, "Notify_PromiseLate"), recipients(c, "Notify_PromiseLate")) == (
        "escalation",
        ["agent", "supervisor"],
    )
    [note] = [n for n in c.notifications("agent") if n["element_id"] == "Notify_PromiseLate"]
    assert "Promised waiting time passed" in note["title"] and "8 h" in note["message"]
    assert [t["element_id"] for t in c.tasks()] == ["Task_Investigate"]  # the work goes on


def test_rule_2_8_a_complaint_handled_within_the_promise_cancels_its_timer(case):
    c = case()
    c.complete("Task_ConfirmRecord", {"promised_reply_hours": 72})
    c.complete("Task_ClassifyComplaint", {"severity_grade": "general"})
    c.complete("Task_AcknowledgeHandover")  # handed over to the department (rule 2.4)
    c.advance(2 * HOUR)
    c.handle()
    assert "Timer_PromiseBreach" not in c.timers()
    c.advance(4 * 24 * HOUR)  # past the promise (the follow-up week is not over)
    assert "Timer_PromiseBreach" not in c.fired() and c.sent("Notify_PromiseLate") == []


def test_rule_2_8_a_reopened_case_is_promised_the_same_waiting_time_again(case):
    c = case()
    c.to_handling(severity_grade="general")
    c.handle()
    c.advance(2 * 24 * HOUR)
    c.complete("Task_FollowUpVisit", {"satisfied": False, "satisfaction": 2, "follow_up_note": "仍有异味"})
    reopened_at = c.now()
    due = c.timers()["Timer_PromiseBreach"]  # from the reopen, not the first promise (long past)
    assert timedelta(hours=24) - MINUTE < due - reopened_at <= timedelta(hours=24)
    assert "Timer_PromiseBreach" not in c.fired()

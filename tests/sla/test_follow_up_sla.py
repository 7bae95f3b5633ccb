"""Rule 1.9 (domain.md §1.9): the follow-up visit (回访) is due within one week of the
implementation; when it is late the registering agent and the customer-service supervisors are
told, and the visit still goes on (docs/complaint_handling.md, "Time limits")."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.sla.conftest import HOUR, MINUTE, kinds, recipients


def test_rule_1_9_follow_up_visit_within_one_week(case):
    c = case()
    c.to_handling(severity_grade="general")
    c.handle()
    started = c.now()
    [task] = c.tasks()
    due = c.timers()["Timer_FollowUpBreach"]
    assert timedelta(days=7) - MINUTE < due - started <= timedelta(days=7)
    # the task's own deadline is the week, named by its rule
    assert task["element_id"] == "Task_FollowUpVisit"
    assert datetime.fromisoformat(task["due_at"]) == due
    assert (task["due_rule"], task["due_rule_name"]) == (
        "Timer_FollowUpBreach",
        "一周未回访 No follow-up within a week",
    )
    c.advance_to(due - MINUTE)
    assert "Timer_FollowUpBreach" not in c.fired()
    c.advance(2 * 60)
    assert c.fired()[-1] == "Timer_FollowUpBreach" and c.fired_at("Timer_FollowUpBreach") >= due
    assert (kinds(c, "Notify_FollowUpLate"), recipients(c, "Notify_FollowUpLate")) == (
        "escalation",
        ["agent", "supervisor"],
    )
    [note] = [n for n in c.notifications("supervisor") if n["element_id"] == "Notify_FollowUpLate"]
    assert "No follow-up visit within a week" in note["title"]
    assert [t["element_id"] for t in c.tasks()] == ["Task_FollowUpVisit"]  # the visit still goes on
    c.complete("Task_FollowUpVisit")
    assert [t["element_id"] for t in c.tasks()] == ["Task_CloseArchive"]


def test_rule_1_9_a_follow_up_in_time_cancels_its_timer(case):
    c = case()
    c.to_handling(severity_grade="general")
    c.handle()
    c.advance(3 * 24 * HOUR)
    c.complete("Task_FollowUpVisit")
    assert [t["element_id"] for t in c.tasks()] == ["Task_CloseArchive"]
    assert "Timer_FollowUpBreach" not in c.timers() and "Timer_FollowUpBreach" not in c.fired()
    assert c.sent("Notify_FollowUpLate") == []

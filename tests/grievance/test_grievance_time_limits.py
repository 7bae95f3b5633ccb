"""Rule 6.2: the time limits of an employee grievance, as timers on the simulated clock, down every
branch of ``employee_grievance`` (docs/employee_grievance.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.grievance.conftest import ACCEPT, ANSWER, APPEAL, MINUTE, NOT_SATISFIED, SATISFIED, about


def test_rule_6_2_representative_answers_within_24_hours_and_the_employee_is_satisfied(grievance: Any) -> None:
    g = grievance()
    task = g.task("Task_Acknowledge")
    assert task["candidate_groups"] == ["hr"] and task["lane"] == "hr"
    due = g.timers()["Timer_AcknowledgeBreach"]
    assert about(due, g.created_at + timedelta(hours=24))
    g.advance_to(due - MINUTE)
    assert g.fired() == []
    g.complete("Task_Acknowledge", ANSWER, user="hr")
    response = g.task("Task_EmployeeResponse")
    assert response["assignee"] == "sales"  # the employee who filed it answers, nobody else
    g.complete("Task_EmployeeResponse", SATISFIED, user="sales")
    inst = g.instance()
    assert inst["status"] == "completed" and inst["variables"]["outcome"] == "resolved"
    assert inst["timers"] == [] and g.fired() == []


def test_rule_6_2_no_answer_within_24_hours_tells_hr(grievance: Any) -> None:
    g = grievance()
    g.advance_to(g.timers()["Timer_AcknowledgeBreach"])
    assert g.fired() == ["Timer_AcknowledgeBreach"]
    [sent] = g.sent("Notify_AcknowledgeLate")
    assert sent["recipients"] == ["hr"] and sent["kind"] == "escalation"
    assert g.business_key in sent["title"] and "sales" not in sent["title"]  # no name in the notice
    assert g.ready() == ["Task_Acknowledge"]  # the step goes on


def test_rule_6_2_forwarded_grievance_is_replied_within_5_working_days(grievance: Any) -> None:
    g = grievance()
    g.forward()
    reply = g.task("Task_DepartmentReply")
    assert reply["assignee"] == "production" and reply["lane"] == "departments"
    due = g.timers()["Timer_ReplyBreach"]
    assert due == g.working_days(5)  # from the filing (received_at)
    g.advance_to(due - MINUTE)
    assert g.fired() == []
    g.advance_to(due)
    assert g.fired() == ["Timer_ReplyBreach"]
    [sent] = g.sent("Notify_ReplyLate")
    assert sorted(sent["recipients"]) == ["hr", "production"]
    g.complete("Task_DepartmentReply", user="production")
    g.complete("Task_EmployeeResponse", SATISFIED, user="sales")
    assert g.instance()["status"] == "completed" and g.variables()["outcome"] == "resolved"


def test_rule_6_2_unsatisfied_employee_gets_a_written_answer_within_7_working_days(grievance: Any) -> None:
    g = grievance()
    g.forward()
    g.complete("Task_DepartmentReply", user="production")
    g.complete("Task_EmployeeResponse", NOT_SATISFIED, user="sales")
    written = g.task("Task_WrittenAnswer")
    assert written["assignee"] == "production"  # the department it was forwarded to answers
    due = g.timers()["Timer_WrittenAnswerBreach"]
    assert about(due, g.working_days(7, g.now()))
    g.advance_to(due - MINUTE)
    assert "Timer_WrittenAnswerBreach" not in g.fired()
    g.advance_to(due)
    [sent] = g.sent("Notify_WrittenAnswerLate")
    assert sorted(sent["recipients"]) == ["hr", "production"]
    g.complete("Task_WrittenAnswer", user="production")
    g.complete("Task_AppealDecision", ACCEPT, user="sales")
    assert g.instance()["status"] == "completed" and g.variables()["outcome"] == "resolved_in_writing"


def test_rule_6_2_written_answer_by_hr_when_it_was_not_forwarded(grievance: Any) -> None:
    g = grievance()
    g.to_written_answer()
    task = g.task("Task_WrittenAnswer")
    assert task["assignee"] is None and task["candidate_groups"] == ["hr"]
    g.advance_to(g.timers()["Timer_WrittenAnswerBreach"])
    [sent] = g.sent("Notify_WrittenAnswerLate")
    assert sent["recipients"] == ["hr"]


def test_rule_6_2_no_appeal_within_10_days_closes_the_grievance_with_the_reason(grievance: Any) -> None:
    g = grievance()
    g.to_appeal_decision()
    assert g.task("Task_AppealDecision")["assignee"] == "sales"
    window = g.timers()["Timer_AppealWindow"]
    assert about(window, g.now() + timedelta(days=10))  # calendar days
    g.advance_to(window - MINUTE)
    assert g.ready() == ["Task_AppealDecision"]
    g.advance_to(window)
    inst = g.instance()
    assert inst["status"] == "completed" and inst["tasks"] == []
    assert inst["variables"]["outcome"] == "closed_no_appeal"
    assert "10" in inst["variables"]["closure_reason"]


def test_rule_6_2_appeal_to_the_general_manager_answered_within_15_working_days(grievance: Any, login: Any) -> None:
    g = grievance()
    g.to_appeal_decision()
    g.complete("Task_AppealDecision", APPEAL, user="sales")
    task = g.task("Task_GmAnswer")
    assert task["candidate_groups"] == ["general_manager"] and task["lane"] == "general_manager"
    due = g.timers()["Timer_GmAnswerBreach"]
    assert about(due, g.working_days(15, g.now()))
    g.advance_to(due - MINUTE)
    assert "Timer_GmAnswerBreach" not in g.fired()
    g.advance_to(due)
    [sent] = g.sent("Notify_GmAnswerLate")
    assert sorted(sent["recipients"]) == ["gm", "hr"]
    assert any(n["instance_id"] == g.id for n in login("gm").get("/notifications", expect=200)["items"])
    g.complete("Task_GmAnswer", user="gm")
    inst = g.instance()
    assert inst["status"] == "completed" and inst["variables"]["outcome"] == "answered_by_general_manager"

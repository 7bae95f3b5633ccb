"""Intake time limits (domain.md §2): contact within 12 h or it becomes a secondary complaint
(level D); first reply within 24 h; reminders at 75 % (docs/complaint_handling.md, "Time limits")."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.sla.conftest import HOUR, INFORMED_ONLY, MINUTE, RESPONSIBLE, kinds, recipients


def test_contact_within_12h_or_secondary_complaint(case):
    c = case()
    confirm = c.task("Task_ConfirmRecord")
    breach_due = c.after(12)
    assert c.timers() == {"Timer_ContactReminder": c.after(9), "Timer_ContactBreach": breach_due}
    assert abs(datetime.fromisoformat(confirm["due_at"]) - breach_due) < timedelta(seconds=1)  # the interrupting timer

    c.advance_to(breach_due - MINUTE)
    assert c.fired() == ["Timer_ContactReminder"]
    assert [t["element_id"] for t in c.tasks()] == ["Task_ConfirmRecord"]

    c.advance(2 * 60)
    assert c.fired() == ["Timer_ContactReminder", "Timer_ContactBreach"]
    assert c.fired_at("Timer_ContactBreach") >= breach_due
    # the case moved: the agent's task is cancelled, a supervisor contacts the customer now
    [task] = c.tasks()
    assert (task["element_id"], task["candidate_groups"], task["assignee"], task["lane"]) == (
        "Task_ContactSecondary",
        ["cs_supervisors"],
        None,
        "cs_supervisors",
    )
    c.agent.post(f"/tasks/{confirm['id']}/complete", json={"data": {}}, expect=409)
    v = c.variables()
    assert (v["severity"]["level"], v["severity"]["colour"], v["severity_grade"]) == ("D", "blue", "important")
    assert v["severity"]["reasons"] == [{"criterion": "not_contacted_within_12h", "level": "D"}]
    assert v["severity"]["responsible"] == ["provincial_manager"]
    # escalated to level D's responsible people, the people to inform informed
    assert kinds(c, "Notify_SecondaryResponsible") == "escalation"
    assert recipients(c, "Notify_SecondaryResponsible") == RESPONSIBLE["D"]
    assert kinds(c, "Notify_SecondaryInformed") == "info"
    assert recipients(c, "Notify_SecondaryInformed") == INFORMED_ONLY["D"]
    escalations = [n for n in c.notifications(RESPONSIBLE["D"][0]) if n["kind"] == "escalation"]
    assert [n["element_id"] for n in escalations] == ["Notify_SecondaryResponsible"]
    assert c.business_key in escalations[0]["title"]
    assert [n["element_id"] for n in c.notifications("sales")] == ["Notify_SecondaryInformed"]

    # the supervisor's contact continues the flow, as a level-D complaint
    c.complete("Task_ContactSecondary")
    assert [t["element_id"] for t in c.tasks()] == ["Task_ClassifyComplaint"]
    assert c.variables()["severity"]["level"] == "D"


def test_contact_in_time_cancels_the_contact_timers(case):
    c = case()
    c.advance(11 * HOUR)
    c.complete("Task_ConfirmRecord")
    assert "Timer_ContactBreach" not in c.timers()
    c.advance(3 * HOUR)
    assert c.fired() == ["Timer_ContactReminder"]
    assert c.sent("Notify_SecondaryResponsible") == []
    [task] = c.tasks()
    assert task["element_id"] == "Task_ClassifyComplaint"
    assert c.variables()["severity"]["level"] == "E"


def test_first_reply_within_24h(case):
    c = case()
    c.advance_to(c.after(12) + MINUTE)
    c.task("Task_ContactSecondary")
    assert c.timers() == {"Timer_FirstReplyReminder": c.after(18), "Timer_FirstReplyBreach": c.after(24)}

    c.advance_to(c.after(24) - MINUTE)
    assert "Timer_FirstReplyBreach" not in c.fired()
    assert timedelta(hours=18) <= c.fired_at("Timer_FirstReplyReminder") - c.created_at < timedelta(hours=18) + MINUTE
    assert (kinds(c, "Notify_FirstReplyReminder"), recipients(c, "Notify_FirstReplyReminder")) == (
        "reminder",
        ["supervisor"],
    )

    c.advance(2 * 60)
    assert c.fired()[-1] == "Timer_FirstReplyBreach"
    assert c.fired_at("Timer_FirstReplyBreach") >= c.after(24)
    # non-interrupting: the contact task stays; the level's people are escalated to and informed
    assert [t["element_id"] for t in c.tasks()] == ["Task_ContactSecondary"]
    assert (kinds(c, "Notify_FirstReplyResponsible"), recipients(c, "Notify_FirstReplyResponsible")) == (
        "escalation",
        RESPONSIBLE["D"],
    )
    assert (kinds(c, "Notify_FirstReplyInformed"), recipients(c, "Notify_FirstReplyInformed")) == (
        "info",
        INFORMED_ONLY["D"],
    )
    [note] = [n for n in c.notifications(RESPONSIBLE["D"][0]) if n["element_id"] == "Notify_FirstReplyResponsible"]
    assert "24" in note["title"] and c.business_key in note["title"]


def test_first_reply_in_time_cancels_its_breach(case):
    c = case()
    c.advance_to(c.after(20))
    c.complete("Task_ContactSecondary")
    c.advance_to(c.after(30))
    assert "Timer_FirstReplyBreach" not in c.fired()
    assert c.sent("Notify_FirstReplyResponsible") == []


def test_reminder_at_75_percent_before_breach(case):
    c = case()
    c.advance_to(c.after(9) - MINUTE)
    assert c.fired() == []
    c.advance(2 * 60)
    assert c.fired() == ["Timer_ContactReminder"]
    assert timedelta(hours=9) <= c.fired_at("Timer_ContactReminder") - c.created_at < timedelta(hours=9) + MINUTE
    # the reminder goes to the task's assignee (the registering agent); the task stays
    assert (kinds(c, "Notify_ContactReminder"), recipients(c, "Notify_ContactReminder")) == ("reminder", ["agent"])
    [note] = c.notifications("agent")
    assert (note["kind"], note["element_id"]) == ("reminder", "Notify_ContactReminder")
    assert c.business_key in note["title"] and note["read_at"] is None
    assert [t["element_id"] for t in c.tasks()] == ["Task_ConfirmRecord"]
    assert "Timer_ContactBreach" in c.timers()
    # done after the reminder, before the breach: no escalation, ever
    c.complete("Task_ConfirmRecord")
    c.advance(6 * HOUR)
    assert c.fired() == ["Timer_ContactReminder"]
    assert [s["kind"] for s in c.sent()] == ["reminder"]


def test_variables_survive_a_reminder(case):
    c = case()
    c.advance_to(c.after(9) + MINUTE)
    assert c.fired() == ["Timer_ContactReminder"]
    v = c.variables()
    assert v["registration_number"] == c.business_key
    assert v["severity"]["level"] == "E"

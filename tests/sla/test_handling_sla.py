"""Case-level time limits on SubProcess_Handling (domain.md §2): handling deadline by severity
(important 6 h, major 12 h, general 24 h; crisis 2 h), sales complaints 3 / 7 working days
(internal / external), unresolved after one month -> major; and the site visit within 2
working days (docs/complaint_handling.md, "Time limits")."""

from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from tests.sla.conftest import HOUR, INFORMED_ONLY, MINUTE, RESPONSIBLE, SHANGHAI, kinds, recipients


def assert_fired(c, handling, others=()):
    """Exactly these timers fired: the handling rule's in this order, and ``others`` (the timers
    of the other rules due by then: the quality rules 3.1 and 1.5, the promise of rule 2.8)."""
    fired = c.fired()
    assert [t for t in fired if t.startswith("Timer_Handling")] == handling
    assert sorted(t for t in fired if not t.startswith("Timer_Handling")) == sorted(others)


def assert_handling_deadline(c, due, rule, others_before=(), others_at=()):
    """The handling timers wait for ``due``; the breach fires there (not a minute before),
    after the 75 % reminder, and escalates to the level's people while the work goes on.
    ``others_before``/``others_at``: the other rules' timers due before / at ``due``."""
    sla = c.variables()["sla"]
    assert (sla["handling_rule"], datetime.fromisoformat(sla["handling_due"])) == (rule, due)
    timers = c.timers()
    assert timers["Timer_HandlingBreach"] == due
    assert c.created_at < timers["Timer_HandlingReminder"] < due
    c.advance_to(due - MINUTE)
    assert_fired(c, ["Timer_HandlingReminder"], others_before)
    assert (kinds(c, "Notify_HandlingReminder"), recipients(c, "Notify_HandlingReminder")) == (
        "reminder",
        sorted({"agent", {"product_quality": "quality", "sales": "sales"}[c.subject]}),
    )
    c.advance(2 * 60)
    assert_fired(c, ["Timer_HandlingReminder", "Timer_HandlingBreach"], [*others_before, *others_at])
    assert c.fired_at("Timer_HandlingBreach") >= due
    assert [t["element_id"] for t in c.tasks()] == ["Task_Investigate"]  # non-interrupting
    assert (kinds(c, "Notify_HandlingResponsible"), recipients(c, "Notify_HandlingResponsible")) == (
        "escalation",
        RESPONSIBLE["E"],
    )
    assert (kinds(c, "Notify_HandlingInformed"), recipients(c, "Notify_HandlingInformed")) == (
        "info",
        INFORMED_ONLY["E"],
    )
    [note] = [n for n in c.notifications(RESPONSIBLE["E"][0]) if n["element_id"] == "Notify_HandlingResponsible"]
    assert note["kind"] == "escalation" and rule in note["message"]


def test_handling_deadline_important_6h(case):
    c = case()
    c.to_handling(severity_grade="important")
    assert_handling_deadline(c, c.after(6), "important_6h")
    assert timedelta(hours=4.5) <= c.fired_at("Timer_HandlingReminder") - c.created_at < timedelta(hours=4.5) + MINUTE


def test_handling_deadline_major_12h(case):
    c = case()
    c.to_handling(severity_grade="major")
    assert_handling_deadline(c, c.after(12), "major_12h")


def test_handling_deadline_general_24h(case):
    c = case()
    c.to_handling(severity_grade="general")
    # with it end a product-quality complaint's 24 h (rule 3.1), the 24 h promised (rule 2.8) and the
    # quality department's day to report (rule 1.5)
    others = ["Timer_InvestigationReport", "Timer_PromiseBreach", "Timer_QualityBreach"]
    assert_handling_deadline(c, c.after(24), "general_24h", others_at=others)


def test_handling_deadline_crisis_2h(case):
    c = case()
    c.to_handling(severity_grade="crisis")
    assert_handling_deadline(c, c.after(2), "crisis_2h")


def test_handling_done_in_time_cancels_the_handling_timers(case):
    c = case()
    c.to_handling(severity_grade="important")
    c.advance(5 * HOUR)  # the reminder at 4.5 h fires
    c.handle()
    assert [t for t in c.timers() if t.startswith(("Timer_Handling", "Timer_Unresolved"))] == []
    c.advance(40 * 24 * HOUR)  # past the deadline and the month: no handling timer more
    # (only the follow-up visit's week, rule 1.9: the visit was never made)
    assert c.fired() == ["Timer_HandlingReminder", "Timer_FollowUpBreach"]
    assert [s["element_id"] for s in c.sent()] == ["Notify_HandlingReminder", "Notify_FollowUpLate"]
    assert c.variables()["severity"]["level"] == "E"


def test_site_visit_within_2_working_days(case):
    c = case()
    c.complete("Task_ConfirmRecord")
    c.complete("Task_ClassifyComplaint", {"subject": "after_sales"})
    c.complete("Task_AcknowledgeHandover")  # handed over to the department (rule 2.4)
    visit = c.task("Task_SiteVisit")
    due = c.working_days(2)
    assert (visit["candidate_groups"], visit["lane"], visit["form_key"]) == (["sales"], "sales", "site_visit")
    assert datetime.fromisoformat(visit["due_at"]) == due
    assert c.timers()["Timer_SiteVisitBreach"] == due
    reminder = c.timers()["Timer_SiteVisitReminder"]
    assert c.created_at < reminder < due
    c.advance_to(due - MINUTE)
    assert c.fired() == ["Timer_SiteVisitReminder"]
    assert (kinds(c, "Notify_SiteVisitReminder"), recipients(c, "Notify_SiteVisitReminder")) == ("reminder", ["sales"])
    c.advance(2 * 60)
    assert c.fired() == ["Timer_SiteVisitReminder", "Timer_SiteVisitBreach"]
    assert c.fired_at("Timer_SiteVisitBreach") >= due
    assert [t["element_id"] for t in c.tasks()] == ["Task_SiteVisit"]
    assert (kinds(c, "Notify_SiteVisitResponsible"), recipients(c, "Notify_SiteVisitResponsible")) == (
        "escalation",
        RESPONSIBLE["E"],
    )
    assert recipients(c, "Notify_SiteVisitInformed") == INFORMED_ONLY["E"]
    c.complete("Task_SiteVisit")
    c.task("Task_Investigate")


def test_site_visit_in_time_cancels_its_timers_and_only_sales_and_after_sales_get_one(case):
    c = case()
    c.complete("Task_ConfirmRecord")
    c.complete("Task_ClassifyComplaint", {"subject": "after_sales"})
    c.complete("Task_AcknowledgeHandover")  # handed over to the department (rule 2.4)
    c.complete("Task_SiteVisit")
    assert not [t for t in c.timers() if t.startswith("Timer_SiteVisit")]
    c.task("Task_Investigate")
    other = case()
    other.complete("Task_ConfirmRecord")
    other.complete("Task_ClassifyComplaint", {"subject": "logistics"})
    other.complete("Task_AcknowledgeHandover")
    other.task("Task_Investigate")
    c.advance_to(c.working_days(3))
    assert not [t for t in c.fired() + other.fired() if t.startswith("Timer_SiteVisit")]


def test_sales_complaint_internal_3_working_days(case):
    c = case()
    # the sales department's limit replaces the severity's 6 h
    c.to_handling(subject="sales", sales_complaint_source="internal", severity_grade="important")
    assert_handling_deadline(
        c, c.end_of_working_day(3), "sales_internal_3_working_days", others_before=["Timer_PromiseBreach"]
    )


def test_sales_complaint_external_7_working_days(case):
    c = case()
    c.to_handling(subject="sales", sales_complaint_source="external")
    assert_handling_deadline(
        c, c.end_of_working_day(7), "sales_external_7_working_days", others_before=["Timer_PromiseBreach"]
    )


def test_sales_complaint_needs_its_source(case, login):
    c = case()
    c.complete("Task_ConfirmRecord")
    task = c.task("Task_ClassifyComplaint")
    err = login("supervisor").post(
        f"/tasks/{task['id']}/complete", json={"data": {"subject": "sales", "severity_grade": "general"}}, expect=422
    )
    assert [d["field"] for d in err["error"]["details"]] == ["sales_complaint_source"]


def test_unresolved_after_one_month_becomes_major(case):
    c = case()
    c.to_handling(severity_grade="general")
    due = (c.created_at.astimezone(SHANGHAI) + relativedelta(months=1)).astimezone(c.created_at.tzinfo)
    assert c.timers()["Timer_UnresolvedBreach"] == due
    c.advance_to(due - MINUTE)
    fired = c.fired()
    assert (fired[0], fired[-1]) == ("Timer_HandlingReminder", "Timer_UnresolvedReminder")
    # due together at 24 h: the handling deadline, the quality rules 3.1 and 1.5, the promise of rule 2.8
    together = ["Timer_HandlingBreach", "Timer_InvestigationReport", "Timer_PromiseBreach", "Timer_QualityBreach"]
    assert sorted(fired[1:-1]) == together
    reminder_at = c.fired_at("Timer_UnresolvedReminder") - c.created_at
    assert abs(reminder_at - (due - c.created_at) * 0.75) < MINUTE
    assert recipients(c, "Notify_UnresolvedReminder") == ["quality", "supervisor"]

    c.advance(2 * 60)
    assert c.fired()[-1] == "Timer_UnresolvedBreach"
    assert c.fired_at("Timer_UnresolvedBreach") >= due
    # the month's breach escalates to level B (major)'s responsible people and informs the others
    assert (kinds(c, "Notify_MajorResponsible"), recipients(c, "Notify_MajorResponsible")) == (
        "escalation",
        RESPONSIBLE["B"],
    )
    assert (kinds(c, "Notify_MajorInformed"), recipients(c, "Notify_MajorInformed")) == ("info", INFORMED_ONLY["B"])
    [note] = [n for n in c.notifications("pr") if n["element_id"] == "Notify_MajorResponsible"]
    assert note["kind"] == "escalation" and "major" in note["title"]
    assert [t["element_id"] for t in c.tasks()] == ["Task_Investigate"]  # the work goes on

    # the case is recorded as major when its handling ends
    c.handle()
    v = c.variables()
    assert (v["severity"]["level"], v["severity"]["grade"], v["severity_grade"]) == ("B", "major", "major")
    assert v["severity"]["responsible"] == ["regional_manager", "pr_legal"]
    assert {"criterion": "unresolved_one_month", "level": "B"} in v["severity"]["reasons"]


def test_reopened_case_gets_a_new_handling_deadline(case):
    c = case()
    c.to_handling(severity_grade="important")
    c.handle()
    c.advance(2 * 24 * HOUR)  # the first deadline passed long ago (nothing was waiting for it)
    c.complete("Task_FollowUpVisit", {"satisfied": False, "satisfaction": 2, "follow_up_note": "仍有异味"})
    c.task("Task_Investigate")
    reopened_at = c.now()
    due = c.timers()["Timer_HandlingBreach"]
    assert timedelta(hours=6) - MINUTE < due - reopened_at <= timedelta(hours=6)
    assert c.fired() == []

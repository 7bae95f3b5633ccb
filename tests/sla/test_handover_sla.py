"""Rule 2.4 (domain.md §2), the 30-minute limits, on the simulated clock:

(a) a hand-over between departments: the receiving department acknowledges it
(``Task_AcknowledgeHandover``); not within 30 minutes, ``Timer_HandoverLate`` tells the department
heads and the supervisors and the work goes on; (b) a complaint received at a terminal (walk-in)
is reported to the regional managers at registration, late (and the supervisors told) when it is
registered more than 30 minutes after it was received; (c) a solution refused after the handling
deadline goes to the provincial managers and PR at once (docs/complaint_handling.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.scenario.conftest import INTAKE
from tests.sla.conftest import MINUTE, kinds, recipients

ESCALATE = {"customer_response": "escalate", "customer_feedback": "不接受赔偿方案"}


def test_rule_2_4_a_hand_over_not_acknowledged_in_30_minutes_tells_the_department_heads(case):
    c = case()
    c.complete("Task_ConfirmRecord")
    c.complete("Task_ClassifyComplaint")
    task = c.task("Task_AcknowledgeHandover")
    assert task["candidate_groups"] == ["quality"] and task["lane"] == "departments"
    c.advance(29 * 60)
    assert "Timer_HandoverLate" not in c.fired() and c.sent("Notify_HandoverLate") == []
    c.advance(60)
    assert "Timer_HandoverLate" in c.fired()
    assert (kinds(c, "Notify_HandoverLate"), recipients(c, "Notify_HandoverLate")) == (
        "escalation",
        ["depthead", "supervisor"],
    )
    [note] = [n for n in c.notifications("depthead") if n["element_id"] == "Notify_HandoverLate"]
    assert "30" in note["title"] and "quality" in note["message"]
    assert [t["element_id"] for t in c.tasks()] == ["Task_AcknowledgeHandover"]  # the work goes on
    c.complete("Task_AcknowledgeHandover")
    assert [t["element_id"] for t in c.tasks()] == ["Task_Investigate"]


def test_rule_2_4_a_hand_over_acknowledged_in_time_cancels_its_timer(case):
    c = case()
    c.complete("Task_ConfirmRecord")
    c.complete("Task_ClassifyComplaint")
    c.advance(10 * 60)
    c.complete("Task_AcknowledgeHandover", {"handover_note": "已接收"})
    assert c.variables()["handover_acknowledged"] is True
    c.advance(30 * 60)
    assert "Timer_HandoverLate" not in c.fired() and c.sent("Notify_HandoverLate") == []


def test_rule_2_4_a_a_complaint_kept_by_customer_service_needs_no_hand_over(case):
    c = case()
    c.complete("Task_ConfirmRecord")
    c.complete("Task_ClassifyComplaint", {"subject": "service_quality"})
    [task] = c.tasks()
    assert (task["element_id"], task["candidate_groups"]) == ("Task_Investigate", ["cs_supervisors"])


def _product_now(login):
    return datetime.fromisoformat(login("admin").get("/admin/clock", expect=200)["now"])


def _walk_in(case, login, minutes_ago: float):
    """A walk-in complaint registered now, received ``minutes_ago`` at the terminal."""
    received = _product_now(login) - timedelta(minutes=minutes_ago)
    return case({**INTAKE, "channel": "walk_in", "received_at": received.isoformat()})


def test_rule_2_4_b_a_walk_in_complaint_is_reported_to_the_region_at_registration(case, login):
    c = _walk_in(case, login, 29)
    assert (kinds(c, "Notify_TerminalReport"), recipients(c, "Notify_TerminalReport")) == ("info", ["manager"])
    [note] = [n for n in c.notifications("manager") if n["element_id"] == "Notify_TerminalReport"]
    assert c.business_key in note["title"] and "late" not in note["title"]
    assert c.variables()["terminal_report_late"] is False


def test_rule_2_4_b_registered_30_minutes_after_receipt_the_terminal_report_is_late(case, login):
    c = _walk_in(case, login, 30.5)
    assert (kinds(c, "Notify_TerminalReport"), recipients(c, "Notify_TerminalReport")) == (
        "escalation",
        ["manager", "supervisor"],
    )
    [note] = [n for n in c.notifications("supervisor") if n["element_id"] == "Notify_TerminalReport"]
    assert "late" in note["title"]


def test_rule_2_4_b_only_terminal_complaints_of_level_d_or_e_need_the_report(case, login):
    assert case().sent("Notify_TerminalReport") == []  # a phone complaint
    now = _product_now(login)
    level_c = case({**INTAKE, "channel": "walk_in", "received_at": now.isoformat(), "claim_amount": 10_000})
    assert level_c.sent("Notify_TerminalReport") == []
    # level C already tells the regional managers at registration
    assert "manager" in recipients(level_c, "Notify_RegisteredResponsible")


def _to_customer_agreement(c):
    c.to_handling()
    for element_id in ("Task_Investigate", "Task_ProposeSolution", "Task_ApproveByManager"):
        c.complete(element_id)
    c.task("Task_CustomerAgreement")


def test_rule_2_4_c_a_solution_refused_after_the_deadline_goes_to_the_provincial_managers(case):
    c = case()
    _to_customer_agreement(c)
    c.advance_to(c.after(24) + MINUTE)  # past the general 24 h handling deadline
    c.complete("Task_CustomerAgreement", ESCALATE)
    assert (kinds(c, "Notify_RejectedLate"), recipients(c, "Notify_RejectedLate")) == ("escalation", ["pr", "provmgr"])
    [note] = [n for n in c.notifications("provmgr") if n["element_id"] == "Notify_RejectedLate"]
    assert c.business_key in note["title"] and c.variables()["sla"]["handling_due"] in note["message"]
    assert [t["element_id"] for t in c.tasks()] == ["Task_EscalationReview"]


def test_rule_2_4_c_a_solution_refused_within_the_deadline_is_not_reported(case):
    c = case()
    _to_customer_agreement(c)
    c.complete("Task_CustomerAgreement", ESCALATE)
    assert c.sent("Notify_RejectedLate") == []
    assert [t["element_id"] for t in c.tasks()] == ["Task_EscalationReview"]

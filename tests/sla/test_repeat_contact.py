"""A consumer's repeat contact (domain.md §2, §3): the second makes it a secondary complaint
(level D), the third raises it to level C; the new level's people are notified
(``POST /process-instances/{id}/repeat-contact``)."""

from __future__ import annotations

from tests.sla.conftest import HOUR, MINUTE


def repeat(c, note="客户再次来电 仍未处理"):
    return c.agent.post(
        f"/process-instances/{c.id}/repeat-contact", json={"note": note, "channel": "phone"}, expect=200
    )


def test_repeat_contact_makes_secondary_complaint(case):
    c = case()
    result = repeat(c)
    assert (result["contact_count"], result["severity"]["level"]) == (2, "D")
    v = c.variables()
    assert (v["contact_count"], v["severity"]["level"], v["severity"]["colour"]) == (2, "D", "blue")
    assert {"criterion": "secondary_complaint", "level": "D"} in v["severity"]["reasons"]
    assert [(x["channel"], x["by"]) for x in v["contacts"]] == [("phone", "agent")]
    types = [h["type"] for h in c.instance()["history"]]
    assert "repeat_contact" in types and "severity_escalated" in types
    # the new level's responsible (provincial manager) and informed people hear of it
    [escalation] = c.notifications("manager")
    assert escalation["kind"] == "escalation" and c.business_key in escalation["title"]
    assert c.notifications("supervisor")  # cs_head is informed at level D
    assert [t["element_id"] for t in c.tasks()] == ["Task_ConfirmRecord"]  # the task is where it was


def test_repeat_contact_survives_a_later_sla_breach(case):
    c = case()
    repeat(c)
    c.advance_to(c.after(12) + MINUTE)
    assert "Timer_ContactBreach" in c.fired()
    v = c.variables()
    assert v["contact_count"] == 2
    assert v["severity"]["level"] == "D"
    assert [r["criterion"] for r in v["severity"]["reasons"]] == ["secondary_complaint", "not_contacted_within_12h"]


def test_third_contact_raises_level_c(case):
    c = case()
    assert repeat(c)["severity"]["level"] == "D"
    result = repeat(c, "第三次来电")
    assert (result["contact_count"], result["severity"]["level"]) == (3, "C")
    v = c.variables()
    assert (v["contact_count"], v["severity"]["level"], v["severity"]["colour"]) == (3, "C", "yellow")
    assert v["severity"]["responsible"] == ["regional_manager", "pr_legal"]
    assert {"criterion": "contacted_3_or_more_times", "level": "C"} in v["severity"]["reasons"]
    escalated = [h["detail"] for h in c.instance()["history"] if h["type"] == "severity_escalated"]
    assert [(d["from"], d["to"]) for d in escalated] == [("E", "D"), ("D", "C")]
    assert [n["kind"] for n in c.notifications("pr")] == ["escalation"]  # PR/legal only from level C
    # later breaches escalate to level C's people
    c.complete("Task_ConfirmRecord")
    c.complete("Task_ClassifyComplaint", {"severity_grade": "important"})
    c.complete("Task_AcknowledgeHandover")  # handed over to the department (rule 2.4)
    c.advance(6 * HOUR + MINUTE.total_seconds())
    assert "Timer_HandlingBreach" in c.fired()
    [sent] = c.sent("Notify_HandlingResponsible")
    assert sorted(sent["recipients"]) == ["manager", "pr"]

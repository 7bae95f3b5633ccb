"""Rules 5.1 and 5.4: filing limits, acceptance within 5 working days, notice of (non-)acceptance.

A late appeal is registered (it was received in writing) and closed at once as "refused as late"
with the reason recorded and the appeals office told to send the written refusal (docs/appeal_review.md)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from app.business_calendar import default_calendar
from tests.appeals.conftest import Appeal, filing


def tenth_working_day_after(day: date) -> date:
    cal = default_calendar()
    return cal.add_working_days(datetime.combine(day, time(12), tzinfo=cal.tz), 10).date()


def decision_appeal(login: Any, *, days_late: int) -> Appeal:
    """A decision taken 60 days ago, appealed on the last day allowed plus ``days_late``."""
    today = datetime.fromisoformat(login("admin").get("/admin/clock", expect=200)["now"]).date()
    decided = today - timedelta(days=60)
    filed = tenth_working_day_after(decided) + timedelta(days=days_late)
    return Appeal(login, decision_date=decided.isoformat(), filed_on=filed.isoformat())


def test_rule_5_1_appeal_on_the_tenth_working_day_is_in_time(login: Any) -> None:
    appeal = decision_appeal(login, days_late=0)
    limits = appeal.variables()["limits"]
    assert limits["filed_in_time"] is True
    assert limits["filing_deadline"] == appeal.variables()["filed_on"]
    assert appeal.ready() == ["Task_AcceptAppeal"]
    assert appeal.task("Task_AcceptAppeal")["candidate_groups"] == ["appeals_office"]


def test_rule_5_1_appeal_after_ten_working_days_is_refused_as_late(login: Any) -> None:
    appeal = decision_appeal(login, days_late=1)
    inst = appeal.instance()
    assert inst["status"] == "completed"
    assert inst["tasks"] == []
    variables = inst["variables"]
    assert variables["outcome"] == "refused_late"
    deadline = variables["limits"]["filing_deadline"]
    assert f"Refused as late: filed on {variables['filed_on']}" in variables["refusal_reason"]
    assert f"the last day was {deadline}" in variables["refusal_reason"]
    [sent] = appeal.sent("Notify_RefusedLate")
    assert sent["recipients"] == ["appeals"]  # the appeals office (who registered it is a member)
    assert any("Appeal refused as late" in title for title in appeal.notified("appeals"))


def test_rule_5_1_acceptance_is_decided_within_5_working_days_or_the_head_is_told(login: Any) -> None:
    appeal = Appeal(login)
    due = datetime.fromisoformat(appeal.variables()["limits"]["acceptance_due"])
    cal = default_calendar()
    received = datetime.fromisoformat(appeal.variables()["received_at"]).astimezone(cal.tz)
    assert cal.working_days_between(received.date(), due.date()) == 5
    assert due.time() == cal.closing_time
    appeal.admin.post("/admin/clock", json={"now": (due - timedelta(minutes=1)).isoformat()}, expect=200)
    assert "Timer_AcceptanceLate" not in appeal.fired()
    appeal.advance(timedelta(minutes=2))
    assert appeal.fired() == ["Timer_AcceptanceLate"]
    assert any("Acceptance not decided within 5 working days" in t for t in appeal.notified("gm"))
    assert appeal.ready() == ["Task_AcceptAppeal"]  # the decision is still to be taken
    appeal.complete("Task_AcceptAppeal")
    assert appeal.ready() == ["Task_InvestigateAppeal"]


def test_rule_5_1_not_accepted_closes_with_the_notice_to_the_appellant(login: Any) -> None:
    appeal = Appeal(login)
    appeal.complete("Task_AcceptAppeal", acceptance_decision="not_accepted", acceptance_reason="不属于申诉范围")
    inst = appeal.instance()
    assert inst["status"] == "completed"
    assert inst["variables"]["outcome"] == "not_accepted"
    assert inst["variables"]["acceptance_notice_on"] == appeal.today().isoformat()
    assert inst["variables"]["acceptance_reason"] == "不属于申诉范围"


def objection(login: Any, days_after_receipt: int) -> Appeal:
    today = datetime.fromisoformat(login("admin").get("/admin/clock", expect=200)["now"]).date()
    received = today - timedelta(days=30)
    return Appeal(
        login,
        appeal_type="report_objection",
        decision_reference="检测报告 LAB-2026-0815",
        decision_date=None,
        report_received_on=received.isoformat(),
        filed_on=(received + timedelta(days=days_after_receipt)).isoformat(),
    )


def test_rule_5_4_objection_to_a_test_report_within_15_days_is_in_time(login: Any) -> None:
    appeal = objection(login, 15)
    assert appeal.variables()["limits"]["filed_in_time"] is True
    assert appeal.ready() == ["Task_AcceptAppeal"]


def test_rule_5_4_objection_after_15_days_is_refused_as_late(login: Any) -> None:
    appeal = objection(login, 16)
    variables = appeal.variables()
    assert appeal.instance()["status"] == "completed"
    assert variables["outcome"] == "refused_late"
    assert "15 days of receiving the test report" in variables["refusal_reason"]


def test_rule_5_4_an_objection_needs_the_day_the_report_was_received(login: Any) -> None:
    today = datetime.fromisoformat(login("admin").get("/admin/clock", expect=200)["now"]).date()
    data = filing(today, appeal_type="report_objection")
    body = {"process_key": "appeal_review", "variables": data}
    answer = login("appeals").post("/process-instances", json=body, expect=422)
    assert [(d["field"], d["code"]) for d in answer["error"]["details"]] == [("report_received_on", "required_when")]

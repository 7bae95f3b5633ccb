"""Rule 5.3: decision within 30 days, approved by the head, written notice, review by a higher body."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from tests.appeals.conftest import Appeal, handled_case


def accepted(login: Any, **changes: Any) -> Appeal:
    appeal = Appeal(login, **changes)
    appeal.complete("Task_AcceptAppeal")
    return appeal


def test_rule_5_3_decision_approved_by_the_head_and_notified_in_writing(login: Any) -> None:
    appeal = accepted(login)
    appeal.complete("Task_InvestigateAppeal")
    task = appeal.task("Task_ApproveAppealDecision")
    assert task["candidate_groups"] == ["general_manager"]
    login("investigator").post(f"/tasks/{task['id']}/complete", json={"data": {}}, expect=403)
    appeal.complete("Task_ApproveAppealDecision")
    assert appeal.task("Task_WrittenNotice")["candidate_groups"] == ["appeals_office"]
    appeal.complete("Task_WrittenNotice")
    inst = appeal.instance()
    assert inst["status"] == "completed"
    variables = inst["variables"]
    assert (variables["outcome"], variables["appeal_decision"]) == ("decided", "upheld")
    assert variables["notice_sent_on"] == appeal.today().isoformat()
    assert variables["notice_text"] == "申诉成立, 原决定撤销"
    assert "Timer_DecisionLate" not in appeal.fired()


def test_rule_5_3_head_sends_the_decision_back_to_a_new_investigation(login: Any) -> None:
    case = handled_case(login)
    appeal = accepted(login, original_registration_number=case.business_key)
    appeal.complete("Task_InvestigateAppeal", proposed_decision="dismissed")
    appeal.complete("Task_ApproveAppealDecision", head_decision="rejected", head_comment="证据不足, 重新调查")
    again = appeal.task("Task_InvestigateAppeal")
    # the new investigation task excludes the original handler too
    refused = login("quality").post(f"/tasks/{again['id']}/claim", expect=403)
    assert refused["error"]["code"] == "conflict_of_interest"
    appeal.complete("Task_InvestigateAppeal", proposed_decision="partly_upheld")
    appeal.complete("Task_ApproveAppealDecision")
    appeal.complete("Task_WrittenNotice")
    assert appeal.variables()["appeal_decision"] == "partly_upheld"


def test_rule_5_3_no_decision_in_30_days_tells_the_head(login: Any) -> None:
    appeal = accepted(login)
    variables = appeal.variables()
    due = datetime.fromisoformat(variables["limits"]["decision_due"])
    assert due == datetime.fromisoformat(variables["received_at"]) + timedelta(days=30)
    appeal.admin.post("/admin/clock", json={"now": (due - timedelta(minutes=1)).isoformat()}, expect=200)
    assert "Timer_DecisionLate" not in appeal.fired()
    appeal.advance(timedelta(minutes=2))
    assert "Timer_DecisionLate" in appeal.fired()
    assert any("No decision within 30 days" in t for t in appeal.notified("gm"))
    assert appeal.ready() == ["Task_InvestigateAppeal"]  # the work goes on
    appeal.complete("Task_InvestigateAppeal")
    appeal.complete("Task_ApproveAppealDecision")
    appeal.complete("Task_WrittenNotice")
    assert appeal.instance()["status"] == "completed"


def test_rule_5_3_appellant_asks_for_review_by_a_higher_body(login: Any) -> None:
    appeal = accepted(login)
    appeal.complete("Task_InvestigateAppeal", proposed_decision="dismissed")
    appeal.complete("Task_ApproveAppealDecision")
    appeal.complete("Task_WrittenNotice", higher_review_requested=True)
    assert appeal.task("Task_HigherReview")["candidate_groups"] == ["appeals_office"]
    appeal.complete("Task_HigherReview", review_outcome="overturned", review_note="上级机构撤销申诉决定")
    inst = appeal.instance()
    assert inst["status"] == "completed"
    assert inst["variables"]["outcome"] == "reviewed_overturned"
    assert inst["variables"]["review_body"] == "国家认监委"

"""Issue 7 §3/§6 through the API: each task's own deadline (the limit that governs it, not the
farthest timer), prefill from earlier steps, suspended cases refused, instructions on the row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.models import TaskRecord
from app.services.tasks import prefill
from app.services.timers import due_by_task
from tests.complaint_steps import Complaint


def _instructions(rt, task_id: str) -> str | None:
    with rt.sessions() as s:
        return s.scalar(select(TaskRecord.instructions).where(TaskRecord.id == task_id))


def test_confirm_record_is_due_by_the_interrupting_12h_limit_not_the_reminder(login):
    case = Complaint(login).start()
    task = login("agent").get(f"/tasks/{case.task()['id']}", expect=200)
    sla = login("admin").get(f"/process-instances/{case.id}", expect=200)["variables"]["sla"]
    assert task["element_id"] == "Task_ConfirmRecord"
    assert (task["due_rule"], task["due_rule_name"]) == ("Timer_ContactBreach", "12小时未联系 Not contacted in 12 h")
    assert datetime.fromisoformat(task["due_at"]) == datetime.fromisoformat(sla["contact_due"])


def test_a_task_without_a_timer_has_no_time_limit(login):
    case = Complaint(login).start()
    classify = case.to("Task_ClassifyComplaint")
    assert (classify["due_at"], classify["due_rule"]) == (None, None)


def test_a_handling_task_is_due_by_the_handling_limit_and_stays_overdue_by_it(login):
    case = Complaint(login).start()
    investigate = case.to("Task_Investigate")
    sla = login("admin").get(f"/process-instances/{case.id}", expect=200)["variables"]["sla"]
    handling_due = datetime.fromisoformat(sla["handling_due"])
    # the subprocess has four timers (two reminders, the 24 h limit, the month): the 24 h limit governs
    assert investigate["due_rule"] == "Timer_HandlingBreach"
    assert datetime.fromisoformat(investigate["due_at"]) == handling_due
    assert handling_due < datetime.fromisoformat(sla["unresolved_due"])
    # past the limit: the reminder and the breach fire; the task is overdue by that limit, not
    # due again by the one-month timer that is still waiting
    now = datetime.fromisoformat(login("admin").get("/admin/clock", expect=200)["now"])
    login("admin").post("/admin/clock", json={"advance_seconds": (handling_due - now).total_seconds() + 60}, expect=200)
    timers = login("admin").get(f"/process-instances/{case.id}", expect=200)["timers"]
    assert "Timer_HandlingBreach" not in {t["element_id"] for t in timers}
    assert "Timer_UnresolvedBreach" in {t["element_id"] for t in timers}
    again = login("supervisor").get(f"/tasks/{investigate['id']}", expect=200)
    assert again["due_rule"] == "Timer_HandlingBreach"
    assert datetime.fromisoformat(again["due_at"]) == handling_due
    # a task created after the limit passed is overdue by it too
    case.complete()
    propose = case.task()
    assert (propose["element_id"], propose["due_rule"]) == ("Task_ProposeSolution", "Timer_HandlingBreach")
    assert datetime.fromisoformat(propose["due_at"]) == handling_due


def test_classification_is_prefilled_with_the_intake_subject(login):
    case = Complaint(login).start()
    classify = case.to("Task_ClassifyComplaint")
    task = login("supervisor").get(f"/tasks/{classify['id']}", expect=200)
    assert task["data"]["subject"] == "service_quality"


def test_a_second_approval_is_not_prefilled_with_the_first_decision(login):
    case = Complaint(login).start()
    case.to("Task_ApproveByManager")
    case.complete({"approval_decision": "rejected", "approval_comment": "金额过高请重新评估"})
    propose = case.task()
    assert propose["element_id"] == "Task_ProposeSolution"
    # the proposal being reworked keeps what was proposed
    data = login("supervisor").get(f"/tasks/{propose['id']}", expect=200)["data"]
    assert data == {
        "solution_type": "compensation",
        "solution_description": "赔偿300元并道歉",
        "compensation_amount": 300,
    }
    case.complete()
    approve = case.to("Task_ApproveByManager")
    # approve_solution.json says "x-prefill": false: the decision is made afresh
    assert login("manager").get(f"/tasks/{approve['id']}", expect=200)["data"] == {}


def test_prefill_takes_earlier_submissions_for_what_the_variables_lack():
    row = TaskRecord(id="t", form_key="x")
    schema = {
        "properties": {
            "subject": {"type": "string"},
            "note": {"type": "string"},
            "fresh": {"type": "string", "x-prefill": False},
            "other": {"type": "string"},
        }
    }
    variables = {"subject": "sales", "note": None, "fresh": "old"}
    earlier = {"subject": "logistics", "note": "earlier note", "fresh": "older"}
    assert prefill(row, schema, variables, earlier) == {"subject": "sales", "note": "earlier note"}
    assert prefill(row, {**schema, "x-prefill": False}, variables, earlier) == {}


def test_a_suspended_cases_task_cannot_be_completed(login):
    case = Complaint(login).start()
    task = case.task()
    login("admin").post(f"/process-instances/{case.id}/suspend", expect=200)
    err = login("agent").post(
        f"/tasks/{task['id']}/complete",
        json={"data": {"record_confirmed": True, "acceptance_decision": "accepted", "promised_reply_hours": 24}},
        expect=409,
    )
    assert err["error"]["code"] == "instance_suspended"
    login("admin").post(f"/process-instances/{case.id}/resume", expect=200)
    case.complete()
    assert case.task()["element_id"] == "Task_ClassifyComplaint"


def test_instructions_are_kept_on_the_task_row(rt, login):
    case = Complaint(login).start()
    instructions = _instructions(rt, case.task()["id"])
    assert instructions is not None and instructions.startswith("与客户核对登记内容")
    assert "Check the record with the customer" in instructions
    classify = _instructions(rt, case.to("Task_ClassifyComplaint")["id"])
    assert classify is not None and classify.startswith("确认或更正投诉类别")


def test_the_earliest_limit_governs_and_a_task_with_only_reminders_keeps_the_last():
    start = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)

    def timer(element_id: str, name: str, hours: float, attached_to: str) -> dict[str, object]:
        due = (start + timedelta(hours=hours)).isoformat()
        return {"element_id": element_id, "name": name, "value": due, "attached_to": attached_to, "interrupting": False}

    due = due_by_task(
        [
            timer("R1", "Reminder", 1, "a"),
            timer("R2", "提醒", 2, "a"),
            timer("Month", "Unresolved after a month", 720, "b"),
            timer("Late", "Handling deadline", 24, "b"),
            timer("Nudge", "Handling reminder", 18, "b"),
        ]
    )
    assert (due["a"].rule, due["a"].due_at) == ("R2", start + timedelta(hours=2))
    assert (due["b"].rule, due["b"].name, due["b"].due_at) == ("Late", "Handling deadline", start + timedelta(hours=24))

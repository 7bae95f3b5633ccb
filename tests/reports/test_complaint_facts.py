"""The complaint facts row is written at save time, in the case's transaction: real cases driven
through the API show up in ``complaint_facts`` with the figures the reports count."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from app.models import ComplaintFact, ProcessInstance
from app.runtime import Runtime
from tests.scenario.conftest import HEAD, INTAKE, TAIL, ComplaintRun, T
from tests.sla.conftest import HOUR, Case


def fact_of(rt: Runtime, instance_id: int) -> ComplaintFact:
    with rt.sessions() as s:
        fact = s.scalar(select(ComplaintFact).where(ComplaintFact.instance_id == instance_id))
        assert fact is not None, f"no facts row for instance {instance_id}"
        return fact


def test_a_closed_complaint_has_its_facts_written_at_each_save(login: Any, rt: Runtime) -> None:
    intake = {**INTAKE, "channel": "email", "product": {"name": "纯牛奶", "batch_number": "B2026-07"}}
    run = ComplaintRun(login, intake)
    run.drive(until="Task_ClassifyComplaint")
    opened = fact_of(rt, run.instance_id or 0)
    assert (opened.status, opened.is_open, opened.closed_at, opened.subject) == ("running", True, None, None)
    assert (opened.sla_contact, opened.overdue) == ("met", False)  # confirmed in time: its breach cancelled
    assert opened.corrective_action is None
    run.drive()
    run.assert_completed(
        order=[*HEAD, "Task_ApproveByManager", *TAIL],
        outcome="resolved",
        approval_level={"approver_group": "managers", "limit": 500},
    )
    fact = fact_of(rt, run.instance_id or 0)
    inst = run.instance()
    assert fact.registration_number == run.business_key
    assert (fact.status, fact.is_open, fact.outcome) == ("completed", False, "resolved")
    assert (fact.subject, fact.department, fact.channel, fact.severity_level) == (
        "product_quality",
        "quality",
        "email",
        "E",
    )
    assert (fact.product_name, fact.batch_number) == ("纯牛奶", "B2026-07")
    assert (fact.satisfaction, fact.reopened_count, fact.secondary) == (5, 0, False)
    assert fact.closed_at is not None and fact.closed_at.isoformat() == inst["ended_at"]
    assert fact.hours_to_close == round((fact.closed_at - fact.received_at).total_seconds() / 3600, 4)
    assert (fact.sla_contact, fact.sla_handling, fact.sla_follow_up) == ("met", "met", "met")
    assert (fact.sla_first_reply, fact.sla_site_visit, fact.overdue) == (None, None, False)
    assert (fact.corrective_action, fact.preventive_action) == ("更换封口机", "加强抽检")


def test_a_reopened_complaint_counts_its_reopening(login: Any, rt: Runtime) -> None:
    unhappy = {"satisfied": False, "satisfaction": 2, "follow_up_note": "还是有异味"}
    run = ComplaintRun(login, overrides={"Task_FollowUpVisit": [unhappy]})
    run.drive()
    fact = fact_of(rt, run.instance_id or 0)
    assert (fact.reopened_count, fact.satisfaction, fact.outcome) == (1, 5, "resolved")
    assert run.order.count("Task_Investigate") == 2 and T("CloseArchive")[0] == run.order[-1]


def test_a_missed_contact_limit_marks_the_case_overdue_and_secondary(login: Any, rt: Runtime) -> None:
    case = Case(login)
    assert fact_of(rt, case.id).sla_contact is None  # still running: neither met nor missed
    case.advance(12 * HOUR + 60)
    fact = fact_of(rt, case.id)
    assert (fact.sla_contact, fact.overdue, fact.secondary, fact.severity_level) == ("missed", True, True, "D")
    assert fact.is_open is True


def test_suspending_and_terminating_update_the_status(login: Any, rt: Runtime) -> None:
    case = Case(login)
    case.admin.post(f"/process-instances/{case.id}/suspend", expect=200)
    assert (fact_of(rt, case.id).status, fact_of(rt, case.id).is_open) == ("suspended", True)
    case.admin.post(f"/process-instances/{case.id}/terminate", json={"reason": "重复登记"}, expect=200)
    fact = fact_of(rt, case.id)
    assert (fact.status, fact.is_open, fact.closed_at, fact.sla_contact) == ("terminated", False, None, None)


def test_a_timer_that_cannot_fire_puts_the_facts_in_error_too(login: Any, rt: Runtime) -> None:
    case = Case(login)
    with rt.sessions() as s:  # e.g. a bad manual edit of the case: its contact timer cannot fire
        s.execute(update(ProcessInstance).where(ProcessInstance.id == case.id).values(state_json="{}"))
        s.commit()
    case.advance(12 * HOUR + 60)
    assert case.admin.get(f"/process-instances/{case.id}", expect=200)["status"] == "error"
    fact = fact_of(rt, case.id)
    assert (fact.status, fact.is_open) == ("error", True)


def test_the_backfill_command_writes_the_facts_of_cases_that_have_none(login: Any, rt: Runtime, app: Any) -> None:
    case = Case(login)
    with rt.sessions() as s:  # a case saved before migration 0024: no facts row
        s.execute(delete(ComplaintFact).where(ComplaintFact.instance_id == case.id))
        s.commit()
    result = app.test_cli_runner().invoke(args=["backfill-complaint-facts"])
    assert result.exit_code == 0 and "1 complaint facts rows written" in result.output
    fact = fact_of(rt, case.id)
    assert (fact.registration_number, fact.status, fact.channel) == (case.business_key, "running", "phone")
    again = app.test_cli_runner().invoke(args=["backfill-complaint-facts"])
    assert "0 complaint facts rows written" in again.output

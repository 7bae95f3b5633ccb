"""Rule 3.6 (a): a customer who complains about staff attitude at the follow-up visit sends the
complaint straight to crisis monitoring: a linked ``crisis_response`` at emergency level 3 with
the complaint's number, customer and what was said, while the complaint goes on
(docs/complaint_handling.md, "Crisis links")."""

from __future__ import annotations

from typing import Any

from app.runtime import Runtime
from tests.crisis_steps import Crisis
from tests.reports.test_complaint_facts import fact_of
from tests.scenario.conftest import HEAD, T

ATTITUDE = {"staff_attitude_complaint": True, "follow_up_note": "客服接电话时态度恶劣 直接挂断"}
UNSATISFIED = {"satisfied": False, "satisfaction": 2, "follow_up_note": "仍有异味"}


def crisis_links(run: Any) -> list[dict[str, Any]]:
    return [link for link in run.instance()["links"] if link["role"] == "crisis"]


def test_rule_3_6_an_attitude_complaint_at_the_follow_up_starts_crisis_monitoring(complaint, login, rt: Runtime):
    run = complaint(overrides={"Task_FollowUpVisit": ATTITUDE})
    done = run.complete(run.drive(until="Task_FollowUpVisit"))
    # the complaint goes on at once: it does not wait for the crisis
    assert [t["element_id"] for t in done["tasks"]] == ["Task_CloseArchive"]
    [link] = crisis_links(run)
    assert (link["process_key"], link["reason"], link["status"]) == ("crisis_response", "attitude_complaint", "running")
    assert link["business_key"].startswith("WJ")
    crisis = Crisis(login, instance_id=link["instance_id"])
    v = crisis.variables()
    assert (v["source_case"], v["customer"], v["emergency_level"], v["complaint_level"]) == (
        run.business_key,
        "张三",
        3,
        "E",
    )
    assert ATTITUDE["follow_up_note"] in v["summary"]
    assert crisis.ready() == ["Task_RoutineHandling"]  # level 3: the supervisors monitor and apologise
    assert [(x["role"], x["instance_id"]) for x in crisis.instance()["links"]] == [("source", run.instance_id)]
    # the complaint is recorded as an attitude complaint, in its data, history and facts
    inst = run.instance()
    assert inst["variables"]["attitude_complaint"] is True
    [started] = [h for h in inst["history"] if h["type"] == "crisis_started"]
    assert (started["element_id"], started["detail"]["crisis"]) == ("Service_StartAttitudeCrisis", link["business_key"])
    assert fact_of(rt, run.instance_id).attitude_complaint is True
    run.drive()
    assert run.instance()["status"] == "completed"


def test_rule_3_6_a_follow_up_without_attitude_complaint_starts_nothing(complaint, rt: Runtime):
    run = complaint()
    run.drive()
    inst = run.instance()
    assert inst["status"] == "completed" and inst["links"] == []
    assert inst["variables"]["attitude_complaint"] is False
    assert fact_of(rt, run.instance_id).attitude_complaint is False


def test_rule_3_6_the_attitude_complaint_needs_what_the_customer_said(complaint, login):
    run = complaint()
    task = run.drive(until="Task_FollowUpVisit")
    data = {"visited_on": "2026-01-05", "satisfaction": 2, "satisfied": True, "staff_attitude_complaint": True}
    err = login("agent").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=422)
    assert {d.get("field") for d in err["error"]["details"]} == {"follow_up_note"}
    assert run.instance()["links"] == [] and run.ready_task()["element_id"] == "Task_FollowUpVisit"


def test_rule_3_6_a_reopened_case_complaining_again_keeps_its_one_open_crisis(complaint):
    run = complaint(
        overrides={"Task_FollowUpVisit": [{**ATTITUDE, **UNSATISFIED, "follow_up_note": "态度差"}, ATTITUDE]}
    )
    run.drive()
    assert run.order == [
        *HEAD,
        "Task_ApproveByManager",
        *T("CustomerAgreement", "ImplementSolution", "FollowUpVisit"),
        *T("Investigate", "ProposeSolution", "ApproveByManager", "CustomerAgreement", "ImplementSolution"),
        *T("FollowUpVisit", "CloseArchive"),
    ]
    assert len(crisis_links(run)) == 1
    assert [h["type"] for h in run.instance()["history"]].count("crisis_started") == 1

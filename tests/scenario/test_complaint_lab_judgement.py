"""Rule 1.5 (domain.md §1.5), the lab branch: a quality problem that is hard to judge goes to a
laboratory at the company's cost (Task_LabJudgement, form lab_judgement) before the
responsibility is settled: the investigation comes back with the lab's result and decides
(docs/complaint_handling.md)."""

from __future__ import annotations

from tests.scenario.conftest import APPROVED_BY_MANAGER, HEAD, TAIL

HARD_TO_JUDGE = {"lab_judgement_needed": True, "responsibility": "undetermined"}


def test_rule_1_5_a_hard_to_judge_product_goes_to_the_lab_before_responsibility_is_settled(complaint):
    run = complaint(overrides={"Task_Investigate": [HARD_TO_JUDGE]})
    task = run.drive(until="Task_LabJudgement")
    assert task["candidate_groups"] == ["quality"] and task["lane"] == "departments"
    run.drive()
    run.assert_completed(
        order=[*HEAD[:4], "Task_LabJudgement", *HEAD[3:], "Task_ApproveByManager", *TAIL],
        outcome="resolved",
        approval_level=APPROVED_BY_MANAGER,
    )
    v = run.instance()["variables"]
    assert (v["lab_result"], v["lab_cost_borne_by_company"]) == ("菌落总数超标", True)
    assert (v["responsibility"], v["lab_judgement_needed"]) == ("company", False)  # settled after the lab


def test_rule_1_5_the_lab_is_at_the_companys_cost(complaint):
    run = complaint(overrides={"Task_Investigate": [HARD_TO_JUDGE]})
    task = run.drive(until="Task_LabJudgement")
    data = {**run.data_for("Task_LabJudgement"), "lab_cost_borne_by_company": False}
    err = run.login("quality").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=422)
    assert [d["field"] for d in err["error"]["details"]] == ["lab_cost_borne_by_company"]
    assert run.ready_task()["element_id"] == "Task_LabJudgement"  # nothing changed

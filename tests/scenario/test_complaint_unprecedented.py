"""Rule 3.6 (b): a situation never met before (no rule applies) is judged by the head of
customer service, whose level, department and instructions the case continues with
(docs/complaint_handling.md, "Unprecedented situations")."""

from __future__ import annotations

from typing import Any

from tests.scenario.conftest import INTAKE

NEVER_MET = {"subject": "other", "severity_grade": "general", "never_met_before": True}
JUDGEMENT = {
    "judged_level": "C",
    "judged_department": "tech_support",
    "cs_head_instructions": "按技术故障处理 先安抚客户",
}


def judge_task(complaint: Any) -> tuple[Any, dict[str, Any]]:
    run = complaint(overrides={"Task_ClassifyComplaint": NEVER_MET})
    return run, run.drive(until="Task_JudgeUnprecedented")


def test_rule_3_6_a_situation_never_met_before_goes_to_the_head_of_customer_service(complaint, login):
    run, task = judge_task(complaint)
    assert (task["candidate_groups"], task["lane"], task["form_key"]) == (
        ["cs_head"],
        "cs_supervisors",
        "judge_unprecedented",
    )
    assert task["id"] in run.inbox("cshead")
    for outsider in ("supervisor", "agent", "manager"):
        assert task["id"] not in run.inbox(outsider)
        err = login(outsider).post(f"/tasks/{task['id']}/complete", json={"data": JUDGEMENT}, expect=403)
        assert err["error"]["code"] == "not_your_task"
    err = login("cshead").post(f"/tasks/{task['id']}/complete", json={"data": {"judged_level": "C"}}, expect=422)
    assert {d.get("field") for d in err["error"]["details"]} == {"judged_department", "cs_head_instructions"}


def test_rule_3_6_the_case_continues_with_the_heads_level_department_and_instructions(complaint, login):
    _, task = judge_task(complaint)
    done = login("cshead").post(f"/tasks/{task['id']}/complete", json={"data": JUDGEMENT}, expect=200)["instance"]
    # the judged department is the one that acknowledges the hand-over (rule 2.4), then investigates
    [handover] = done["tasks"]
    assert (handover["element_id"], handover["candidate_groups"]) == ("Task_AcknowledgeHandover", ["tech_support"])
    acknowledged = {"handover_acknowledged": True}
    on = login("techsupport").post(f"/tasks/{handover['id']}/complete", json={"data": acknowledged}, expect=200)
    [investigate] = on["instance"]["tasks"]
    assert (investigate["element_id"], investigate["candidate_groups"]) == ("Task_Investigate", ["tech_support"])
    v = done["variables"]
    assert v["routing"] == {"responsible_group": "tech_support"}
    assert (
        v["severity"]["level"] == "C" and {"criterion": "judged_by_cs_head", "level": "C"} in v["severity"]["reasons"]
    )
    assert v["cs_head_instructions"] == JUDGEMENT["cs_head_instructions"]


def test_rule_3_6_a_judged_level_below_the_current_one_keeps_the_current_one(complaint, login):
    run = complaint({**INTAKE, "legal_action": True}, overrides={"Task_ClassifyComplaint": NEVER_MET})
    task = run.drive(until="Task_JudgeUnprecedented")
    done = login("cshead").post(
        f"/tasks/{task['id']}/complete", json={"data": {**JUDGEMENT, "judged_level": "E"}}, expect=200
    )["instance"]
    assert done["variables"]["severity"]["level"] == "B"
    assert done["variables"]["routing"] == {"responsible_group": "tech_support"}


def test_rule_3_6_an_ordinary_classification_has_no_judgement(complaint):
    run = complaint()
    run.drive()
    assert "Task_JudgeUnprecedented" not in run.order
    assert run.instance()["variables"]["never_met_before"] is False

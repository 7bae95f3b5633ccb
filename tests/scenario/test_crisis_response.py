"""``crisis_response`` down every branch (domain.md §4, docs/crisis_response.md), on the simulated
clock: the emergency level decided at the start (4.3), level 1's leadership group, task force,
investigation to evaluation with the daily progress reports (4.1), PR/media/legal (4.2), the
shorter paths of levels 2 and 3, and who may start a crisis by hand."""

from __future__ import annotations

import pytest

from tests.crisis_steps import DAY, LEVEL_1_MAIN, PROCESS, REPORT, Crisis

HOUR = 3600


@pytest.mark.parametrize(
    ("facts", "level", "first"),
    [
        ({"media_attention": True}, 1, ["Task_FormTaskForce"]),
        ({"regulator_attention": True}, 1, ["Task_FormTaskForce"]),
        ({"complaint_level": "A"}, 1, ["Task_FormTaskForce"]),
        ({"departments_affected": 3}, 2, ["Task_Investigate"]),
        ({"complaint_level": "B"}, 2, ["Task_Investigate"]),
        ({}, 3, ["Task_RoutineHandling"]),
        ({"complaint_level": "C", "departments_affected": 1}, 3, ["Task_RoutineHandling"]),
        ({"media_attention": True, "emergency_level": "2"}, 2, ["Task_Investigate"]),  # the reporter's choice stays
    ],
)
def test_rule_4_3_the_emergency_level_is_decided_at_the_start(login, facts, level, first):
    crisis = Crisis(login, facts)
    assert crisis.instance()["variables"]["emergency_level"] == level
    assert crisis.ready() == first
    assert crisis.instance()["business_key"].startswith("WJ")


def test_rule_4_3_supervisors_and_above_start_a_crisis_by_hand(login):
    body = {"process_key": PROCESS, "variables": REPORT}
    err = login("agent").post("/process-instances", json=body, expect=403)
    assert err["error"]["code"]
    for user in ("supervisor", "manager", "director", "gm"):
        login(user).post("/process-instances", json=body, expect=201)
    bad = login("supervisor").post(
        "/process-instances", json={"process_key": PROCESS, "variables": {**REPORT, "emergency_level": "4"}}, expect=422
    )
    assert any(d.get("field") == "emergency_level" for d in bad["error"]["details"])


def test_rule_4_1_level_1_leadership_task_force_and_daily_progress_reports_until_implementation_ends(login):
    crisis = Crisis(login, {"media_attention": True})
    # the leadership group is notified; the general manager leads and forms the task force
    [sent] = crisis.sent("Notify_Leadership")
    assert sent["kind"] == "escalation" and sorted(sent["recipients"]) == ["gm"]
    assert crisis.task("Task_FormTaskForce")["candidate_groups"] == ["general_manager"]
    login("supervisor").post(
        f"/tasks/{crisis.task('Task_FormTaskForce')['id']}/complete", json={"data": {}}, expect=403
    )
    crisis.complete("Task_FormTaskForce")
    variables = crisis.instance()["variables"]
    assert (variables["leader"], variables["members"]) == ("冯总 Feng", ["supervisor", "quality", "pr"])
    assert crisis.ready() == ["Task_Investigate", "Task_MediaStatement"]
    assert crisis.task("Task_Investigate")["candidate_groups"] == ["cs_supervisors", "quality"]
    crisis.complete("Task_Investigate", user="quality")
    crisis.complete_all(*LEVEL_1_MAIN[1:])
    assert crisis.ready() == ["Task_Implement", "Task_MediaStatement"]
    # one progress report each day of the implementation
    crisis.advance(DAY + HOUR)
    assert crisis.ready() == ["Task_Implement", "Task_MediaStatement", "Task_ProgressReport"]
    crisis.complete("Task_ProgressReport")
    crisis.advance(DAY)
    crisis.advance(DAY)
    assert crisis.history("timer_fired").count("Timer_ProgressReport") == 3
    assert crisis.ready() == ["Task_Implement", "Task_MediaStatement", "Task_ProgressReport", "Task_ProgressReport"]
    crisis.complete("Task_ProgressReport")
    crisis.complete("Task_ProgressReport", {"percent_done": 90})
    crisis.complete("Task_Implement")
    # implementation over: the cycle stops
    crisis.advance(DAY)
    crisis.advance(DAY)
    assert crisis.history("timer_fired").count("Timer_ProgressReport") == 3
    assert crisis.ready() == ["Task_MediaStatement"]  # level 1 waits for PR and legal before the evaluation
    crisis.complete_all("Task_MediaStatement", "Task_LegalAssessment")
    assert crisis.ready() == ["Task_TrackEvaluate"]
    done = crisis.complete("Task_TrackEvaluate")
    assert done["instance"]["status"] == "completed"
    assert crisis.history("task_completed").count("Task_ProgressReport") == 3
    variables = crisis.instance()["variables"]  # both branches' records, joined
    assert (variables["channels"], variables["legal_risk"], variables["effective"]) == (
        ["website", "press"],
        "medium",
        True,
    )


def test_rule_4_2_pr_media_and_legal_join_a_level_1_crisis_in_their_lane(login):
    crisis = Crisis(login, {"regulator_attention": True})
    crisis.complete("Task_FormTaskForce")
    statement = crisis.task("Task_MediaStatement")
    assert (statement["candidate_groups"], statement["lane"]) == (["pr_legal"], "pr_legal")
    assert any(n["instance_id"] == crisis.id for n in login("pr").get("/notifications", expect=200)["items"])
    login("supervisor").post(f"/tasks/{statement['id']}/complete", json={"data": {}}, expect=403)
    err = login("pr").post(f"/tasks/{statement['id']}/complete", json={"data": {"statement": "x"}}, expect=422)
    assert any(d.get("field") == "channels" for d in err["error"]["details"])
    crisis.complete("Task_MediaStatement")
    assert crisis.task("Task_LegalAssessment")["candidate_groups"] == ["pr_legal"]
    crisis.complete("Task_LegalAssessment")
    assert crisis.ready() == ["Task_Investigate"]  # the task force works on in parallel


def test_rule_4_1_level_2_the_task_force_without_leadership_group_or_pr(login):
    crisis = Crisis(login, {"departments_affected": 4})
    crisis.complete_all(*LEVEL_1_MAIN)
    crisis.advance(DAY + HOUR)
    assert crisis.ready() == ["Task_Implement", "Task_ProgressReport"]
    crisis.complete_all("Task_ProgressReport", "Task_Implement")
    assert crisis.ready() == ["Task_TrackEvaluate"]
    assert crisis.complete("Task_TrackEvaluate")["instance"]["status"] == "completed"
    ran = set(crisis.history("task_completed"))
    assert not ran & {"Task_FormTaskForce", "Task_MediaStatement", "Task_LegalAssessment"}
    assert crisis.sent("Notify_Leadership") == []


def test_rule_4_1_level_3_is_handled_the_routine_way(login):
    crisis = Crisis(login)
    assert crisis.instance()["timers"] == []  # no progress reports
    assert crisis.complete("Task_RoutineHandling")["instance"]["status"] == "completed"
    assert crisis.history("task_completed") == ["Task_RoutineHandling"]

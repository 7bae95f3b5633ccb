"""Rule 5.2 (回避): the appeal's investigation only by people with no conflict of interest.

The original case's handler (demo user ``quality``, who investigated the complaint) is in a
candidate group of ``Task_InvestigateAppeal`` and still: not in any of its task lists, not
offered to an admin reassigning it, refused with 403 and the reason when claiming, completing or
being assigned it, and shown as excluded on the task page and the case page. All through HTTP."""

from __future__ import annotations

import re
from typing import Any

from tests.appeals.conftest import Appeal, handled_case

INVESTIGATION = "Task_InvestigateAppeal"


def appeal_about_handled_case(login: Any) -> tuple[Appeal, str]:
    case = handled_case(login)
    appeal = Appeal(login, original_registration_number=case.business_key)
    appeal.complete("Task_AcceptAppeal")
    return appeal, case.business_key


def listed(login: Any, user: str, task_id: str) -> bool:
    """Whether the task is in any of the user's task lists (their own, their groups', all)."""
    api = login(user)
    return any(
        task_id in [t["id"] for t in api.get(f"/tasks?scope={scope}", expect=200)] for scope in ("mine", "group", "all")
    )


def refusal(response: dict[str, Any]) -> tuple[str, str]:
    error = response["error"]
    return error["code"], error["message"]


def test_rule_5_2_investigator_without_conflict_of_interest(login: Any) -> None:
    appeal, original = appeal_about_handled_case(login)
    task = appeal.task(INVESTIGATION)
    assert set(task["candidate_groups"]) == {"appeal_investigators", "quality"}
    # the original handler is a member of a candidate group, yet never offered the task
    assert not listed(login, "quality", task["id"])
    assert listed(login, "investigator", task["id"])
    told = {
        u: [n["task_id"] for n in login(u).get("/notifications", expect=200)["items"]]
        for u in ("quality", "investigator")
    }
    assert task["id"] in told["investigator"] and task["id"] not in told["quality"]  # nor told of it
    # and refused, with the reason, however they try
    quality = login("quality")
    claimed = quality.post(f"/tasks/{task['id']}/claim", expect=403)
    assert refusal(claimed)[0] == "conflict_of_interest"
    assert f"handled the original case {original}" in refusal(claimed)[1]
    assert "quality" in refusal(claimed)[1]
    findings = {"investigation_findings": "x", "proposed_decision": "dismissed"}
    done = quality.post(f"/tasks/{task['id']}/complete", json={"data": findings}, expect=403)
    assert refusal(done) == refusal(claimed)
    assigned = login("admin").post(
        f"/tasks/{task['id']}/assign", json={"username": "quality", "reason": "有空"}, expect=403
    )
    assert refusal(assigned) == refusal(claimed)
    assert appeal.task(INVESTIGATION)["assignee"] is None  # nothing was half applied
    # someone with no conflict investigates
    appeal.complete(INVESTIGATION, user="investigator")
    assert appeal.ready() == ["Task_ApproveAppealDecision"]


def test_rule_5_2_everyone_who_handled_the_original_case_is_excluded(login: Any, rt: Any) -> None:
    appeal, original = appeal_about_handled_case(login)
    with rt.sessions() as s:
        from app.models import InstanceExclusion

        rows = {e.username: e.reason for e in s.query(InstanceExclusion).filter_by(instance_id=appeal.id)}
    # the registering agent, the supervisor who classified it, the quality investigator
    assert rows == {"agent": "registered_original", "supervisor": "handled_original", "quality": "handled_original"}
    shown = {e["username"]: e["text"] for e in appeal.instance()["exclusions"]}  # the API shows them too
    assert shown["quality"] == f"handled the original case {original}"
    assert shown["agent"] == f"registered the original case {original}"
    cases = login("admin").get("/process-instances", expect=200)["items"]
    assert appeal.variables()["original_instance_id"] == next(i["id"] for i in cases if i["business_key"] == original)


def test_rule_5_2_who_handles_the_original_case_after_the_filing_is_excluded_too(login: Any, rt: Any) -> None:
    case = handled_case(login)
    appeal = Appeal(login, original_registration_number=case.business_key)
    case.complete("Task_ProposeSolution")
    case.complete("Task_ApproveByManager")  # the original case goes on: the manager handles it now
    appeal.complete("Task_AcceptAppeal")
    with rt.sessions() as s:
        from app.models import InstanceExclusion

        rows = {e.username: e.reason for e in s.query(InstanceExclusion).filter_by(instance_id=appeal.id)}
    assert rows["manager"] == "handled_original"
    assert rows["quality"] == "handled_original"


def test_rule_5_2_who_took_the_decision_is_excluded(login: Any) -> None:
    appeal = Appeal(login, decided_by="investigator")
    appeal.complete("Task_AcceptAppeal")
    task = appeal.task(INVESTIGATION)
    assert not listed(login, "investigator", task["id"])
    refused = login("investigator").post(f"/tasks/{task['id']}/claim", expect=403)
    assert "took the decision appealed (CERT-2026-001" in refusal(refused)[1]
    appeal.complete(INVESTIGATION, user="quality")  # no conflict for the quality department here


def test_rule_5_2_unknown_case_or_person_is_422_naming_the_field(login: Any) -> None:
    for field, value in (("original_registration_number", "R20990101-999999"), ("decided_by", "nobody")):
        body = {"process_key": "appeal_review", "variables": {**_filing(login), field: value}}
        answer = login("appeals").post("/process-instances", json=body, expect=422)
        assert [d["field"] for d in answer["error"]["details"]] == [field]
    assert login("admin").get("/process-instances?process_key=appeal_review", expect=200)["items"] == []


def _filing(login: Any) -> dict[str, Any]:
    from datetime import datetime

    from tests.appeals.conftest import filing

    now = datetime.fromisoformat(login("admin").get("/admin/clock", expect=200)["now"])
    return filing(now.date())


def test_rule_5_2_reassign_picker_leaves_out_the_excluded(login: Any, web_login: Any) -> None:
    appeal, _ = appeal_about_handled_case(login)
    page = web_login("admin", lang="en").text(f"/instances/{appeal.id}")
    offered = set(re.findall(r'<option value="([a-z0-9_]+)">', page))
    assert "investigator" in offered
    assert "quality" not in offered


def test_rule_5_2_exclusion_is_shown_on_the_task_and_case_pages(login: Any, web_login: Any) -> None:
    appeal, original = appeal_about_handled_case(login)
    task = appeal.task(INVESTIGATION)
    quality = web_login("quality", lang="en")
    task_page = quality.text(f"/tasks/{task['id']}")
    shown = rf"excluded:\s*<strong>赵品质 Zhao \(quality\)</strong> — handled the original case {original}"
    assert re.search(shown, task_page)
    assert f"You may not act on this task (conflict of interest): you handled the original case {original}" in task_page
    assert "/claim" not in task_page and "schema-form" not in task_page  # neither claim button nor form
    assert "<h2>Appeal review</h2>" in task_page and "<h2>Complaint</h2>" not in task_page  # the case's process
    case_page = web_login("admin", lang="zh").text(f"/instances/{appeal.id}")
    assert f"办理过原投诉 {original}" in case_page
    assert f"登记了原投诉 {original}" in case_page


def test_rule_5_2_an_excluded_holder_still_cannot_complete(login: Any, rt: Any) -> None:
    """Defence in depth: had the task reached the original handler anyway (held before the rule
    existed, written by hand), completing it is still refused with the reason, and it is not in
    their own list."""
    appeal, original = appeal_about_handled_case(login)
    task = appeal.task(INVESTIGATION)
    with rt.sessions() as s:
        from app.models import TaskRecord
        from app.services import task_rows

        s.get(TaskRecord, task["id"]).assignee = "quality"
        task_rows.set_assignee(s, task["id"], "quality")
        s.commit()
    assert appeal.task(INVESTIGATION)["assignee"] == "quality"
    assert not listed(login, "quality", task["id"])
    findings = {"investigation_findings": "x", "proposed_decision": "dismissed"}
    done = login("quality").post(f"/tasks/{task['id']}/complete", json={"data": findings}, expect=403)
    assert f"handled the original case {original}" in refusal(done)[1]
    assert appeal.ready() == [INVESTIGATION]

"""Rule 7.4 (domain.md §7): employees see their own responsibility findings and may appeal one to
the supervision and evaluation group within 10 working days; an overturned finding does not
count (docs/monthly_accountability.md)."""

from __future__ import annotations

from app.services import accountability

REASON = {"appeal_reason": "客户投诉的是物流延误 不是我的服务"}


def _decide(login, finding_id, decision, reason="核实后认定不成立"):
    supervision = login("supervision")
    appeal_case = login("sales").get(f"/findings/{finding_id}", expect=200)["appeal_instance_id"]
    [task] = supervision.get(f"/tasks?instance_id={appeal_case}", expect=200)
    assert (task["element_id"], task["candidate_groups"], task["lane"]) == (
        "Task_DecideFindingAppeal",
        ["supervision"],
        "supervision",
    )
    shown = supervision.get(f"/tasks/{task['id']}", expect=200)["data"]
    assert (shown["employee"], shown["appeal_reason"]) == ("sales", REASON["appeal_reason"])
    data = {"appeal_decision": decision, "decision_reason": reason}
    login("agent").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=404)  # confidential
    supervision.post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=200)


def test_rule_7_4_an_employee_sees_their_own_findings_and_the_overseers_see_all(login, finding):
    fid = finding("sales", store="朝阳门店")
    finding("agent")
    mine = login("sales").get("/findings", expect=200)["items"]
    assert [(f["id"], f["store"], f["status"], f["may_appeal"], f["counts"]) for f in mine] == [
        (fid, "朝阳门店", "active", True, True)
    ]
    assert fid not in [f["id"] for f in login("agent").get("/findings", expect=200)["items"]]
    login("agent").get(f"/findings/{fid}", expect=404)
    login("agent").get("/findings?employee=sales", expect=404)
    login("manager").get(f"/findings/{fid}", expect=404)
    for overseer in ("supervision", "hr", "admin"):
        seen = login(overseer).get(f"/findings/{fid}", expect=200)
        assert (seen["employee"], seen["may_appeal"]) == ("sales", False)  # only the employee appeals
    assert [f["id"] for f in login("hr").get("/findings?employee=sales", expect=200)["items"]] == [fid]


def test_rule_7_4_the_supervision_group_overturns_a_finding_which_then_does_not_count(login, finding, rt):
    fid = finding("sales")
    month = login("sales").get(f"/findings/{fid}", expect=200)["month"]
    appealed = login("sales").post(f"/findings/{fid}/appeal", json=REASON, expect=201)
    assert (appealed["status"], appealed["appeal_reason"], appealed["may_appeal"]) == (
        "appealed",
        REASON["appeal_reason"],
        False,
    )
    with rt.sessions() as s:
        assert accountability.valid_counts(s, month).get("sales") == 1  # counts while it is decided
    _decide(login, fid, "overturned")
    decided = login("sales").get(f"/findings/{fid}", expect=200)
    assert (decided["status"], decided["counts"], decided["decided_by"], decided["decision_reason"]) == (
        "overturned",
        False,
        "supervision",
        "核实后认定不成立",
    )
    with rt.sessions() as s:
        assert "sales" not in accountability.valid_counts(s, month)


def test_rule_7_4_an_upheld_finding_still_counts(login, finding):
    fid = finding("sales")
    login("sales").post(f"/findings/{fid}/appeal", json=REASON, expect=201)
    _decide(login, fid, "upheld", reason="证据充分")
    decided = login("sales").get(f"/findings/{fid}", expect=200)
    assert (decided["status"], decided["counts"], decided["decision_reason"]) == ("upheld", True, "证据充分")


def test_rule_7_4_an_appeal_is_refused_when_it_cannot_be_made(login, finding):
    fid = finding("sales")
    err = login("sales").post(f"/findings/{fid}/appeal", json={"appeal_reason": " "}, expect=422)
    assert [d["field"] for d in err["error"]["details"]] == ["appeal_reason"]
    assert login("supervision").post(f"/findings/{fid}/appeal", json=REASON, expect=403)["error"]["code"] == (
        "not_your_finding"
    )
    login("agent").post(f"/findings/{fid}/appeal", json=REASON, expect=404)
    login("sales").post(f"/findings/{fid}/appeal", json=REASON, expect=201)
    again = login("sales").post(f"/findings/{fid}/appeal", json=REASON, expect=409)
    assert again["error"]["code"] == "finding_not_appealable"
    old = finding("sales", days_ago=30)  # more than 10 working days ago
    late = login("sales").post(f"/findings/{old}/appeal", json=REASON, expect=409)
    assert late["error"]["code"] == "appeal_window_closed"
    assert login("sales").get(f"/findings/{old}", expect=200)["status"] == "active"  # nothing changed

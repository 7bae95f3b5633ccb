"""Batch complaints (rule 3.7) and the recall that follows (rule 3.4), through the real API:
complaints registered with the same product, problem and production date from independent
consumers; the sixth links all six as one batch, raises them to level C and asks the quality
department to decide the recall; a recall raises them to level A and starts a level-1 crisis."""

from __future__ import annotations

from typing import Any

PRODUCT = {"name": "纯牛奶250ml", "batch_number": "B20261101", "production_date": "2026-11-01",
           "plant": "呼和浩特一厂", "problem": "spoiled_taste"}  # fmt: skip


def intake(n: int, **product: Any) -> dict[str, Any]:
    return {
        "channel": "phone",
        "complainant": {"name": f"顾客{n}", "phone": f"1380013{n:04d}"},
        "description": "牛奶有异味",
        "subject": "product_quality",
        "product": {**PRODUCT, **product},
    }


def register(login, n: int, **product: Any) -> int:
    body = {"process_key": "complaint_handling", "variables": intake(n, **product)}
    return int(login("agent").post("/process-instances", json=body, expect=201)["id"])


def case(login, instance_id: int) -> dict[str, Any]:
    return dict(login("admin").get(f"/process-instances/{instance_id}", expect=200))


def reviews(login) -> list[dict[str, Any]]:
    return [i for i in login("admin").get("/process-instances?process_key=batch_review", expect=200)["items"]]


def test_rule_3_7_the_sixth_independent_consumer_raises_all_six_the_fifth_does_not(login):
    ids = [register(login, n) for n in range(1, 6)]
    for i in ids:
        shown = case(login, i)
        assert shown["batch"] is None and shown["variables"]["severity"]["level"] == "E"
    assert reviews(login) == []
    ids.append(register(login, 6))
    for i in ids:
        shown = case(login, i)
        assert shown["batch"]["kind"] == "consumers" and shown["batch"]["case_count"] == 6
        severity = shown["variables"]["severity"]
        assert severity["level"] == "C"
        assert {"criterion": "batch_complaint", "level": "C"} in severity["reasons"]
    [review] = reviews(login)
    assert review["id"] == case(login, ids[0])["batch"]["review_instance_id"]


def notified(login, user: str, instance_id: int) -> list[dict[str, Any]]:
    items = login(user).get("/notifications", expect=200)["items"]
    return [n for n in items if n["instance_id"] == instance_id]


def six_linked(login) -> tuple[list[int], dict[str, Any]]:
    ids = [register(login, n) for n in range(1, 7)]
    [review] = reviews(login)
    return ids, case(login, review["id"])


def decide(login, review: dict[str, Any], recall: bool) -> dict[str, Any]:
    [task] = review["tasks"]
    assert (task["element_id"], task["candidate_groups"]) == ("Task_DecideRecall", ["quality"])
    login("agent").post(f"/tasks/{task['id']}/complete", json={"data": {}}, expect=403)
    data = {"recall_decided": recall, "recall_note": "同批次异味投诉集中" if recall else "个别储运问题"}
    return dict(login("quality").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=200))


def test_rule_3_7_the_level_c_people_hear_of_each_raise_and_quality_gets_one_decision(login):
    ids, review = six_linked(login)
    assert review["variables"]["case_count"] == 6 and review["variables"]["kind"] == "consumers"
    assert sorted(review["variables"]["cases"]) == sorted(case(login, i)["business_key"] for i in ids)
    # level C: the regional manager is responsible (managers), the head of customer service informed
    for i in ids:
        [told] = [n for n in notified(login, "manager", i) if n["code"] == "batch_escalated"]
        assert told["kind"] == "escalation" and told["params"]["to"] == "C"
        assert any(n["code"] == "batch_escalated" for n in notified(login, "supervisor", i))
    # a seventh complaint joins the batch: raised too, no second review
    seventh = register(login, 7)
    shown = case(login, seventh)
    assert shown["batch"]["id"] == case(login, ids[0])["batch"]["id"] and shown["batch"]["case_count"] == 7
    assert shown["variables"]["severity"]["level"] == "C"
    assert len(reviews(login)) == 1
    quality_tasks = login("quality").get("/tasks", expect=200)
    assert [t["element_id"] for t in quality_tasks if t["instance_id"] == review["id"]] == ["Task_DecideRecall"]


def test_rule_3_4_a_recall_raises_every_linked_complaint_to_level_a_and_starts_a_level_1_crisis(login):
    ids, review = six_linked(login)
    done = decide(login, review, recall=True)
    assert done["instance"]["status"] == "completed"
    for i in ids:
        shown = case(login, i)
        assert shown["batch"]["recall_decided"] is True
        severity = shown["variables"]["severity"]
        assert (severity["level"], severity["colour"]) == ("A", "red")
        assert {"criterion": "recalled", "level": "A"} in severity["reasons"]
        assert any(n["params"].get("to") == "A" for n in notified(login, "director", i))  # sales director
    # a complaint that joins the batch after the recall is raised to level A at once
    late = case(login, register(login, 7))
    assert late["batch"]["case_count"] == 7 and late["variables"]["severity"]["level"] == "A"
    crises = login("admin").get("/process-instances?process_key=crisis_response", expect=200)["items"]
    [crisis] = [case(login, c["id"]) for c in crises]
    assert crisis["variables"]["emergency_level"] == 1 and crisis["variables"]["complaint_level"] == "A"
    assert "Task_FormTaskForce" in [t["element_id"] for t in crisis["tasks"]]
    # the crisis is linked to the batch review that decided the recall, both ways
    [link] = case(login, review["id"])["links"]
    assert (link["role"], link["reason"], link["instance_id"]) == ("crisis", "batch_recall", crisis["id"])
    [back] = crisis["links"]
    assert (back["role"], back["reason"], back["instance_id"]) == ("source", "batch_recall", review["id"])


def test_rule_3_7_no_recall_keeps_level_c_and_starts_no_crisis(login):
    ids, review = six_linked(login)
    decide(login, review, recall=False)
    assert case(login, review["id"])["history"][-1]["type"] == "instance_completed"
    for i in ids:
        shown = case(login, i)
        assert shown["batch"]["recall_decided"] is False and shown["variables"]["severity"]["level"] == "C"
    assert login("admin").get("/process-instances?process_key=crisis_response", expect=200)["items"] == []


def test_rule_3_4_a_complaint_about_a_recalled_batch_is_level_a_at_intake(login):
    body = {"process_key": "complaint_handling", "variables": {**intake(1), "recalled": True}}
    shown = case(login, login("agent").post("/process-instances", json=body, expect=201)["id"])
    severity = shown["variables"]["severity"]
    assert (severity["level"], severity["reasons"]) == ("A", [{"criterion": "recalled", "level": "A"}])
    # the level-A people hear of it at registration (sales director responsible, vice president informed)
    assert notified(login, "director", shown["id"])
    assert notified(login, "gm", shown["id"])


def test_rule_3_7_intake_refuses_a_future_production_date_and_an_unknown_problem(login):
    for product, field in (({"production_date": "2999-01-01"}, "production_date"), ({"problem": "smelly"}, "problem")):
        body = {"process_key": "complaint_handling", "variables": intake(1, **product)}
        err = login("agent").post("/process-instances", json=body, expect=422)
        assert any(field in str(d.get("field")) for d in err["error"]["details"]), err
    assert login("admin").get("/process-instances?process_key=complaint_handling", expect=200)["items"] == []


def test_rule_3_7_a_review_started_by_hand_needs_quality_and_a_real_batch(login):
    record = {"batch_id": 999999, "kind": "consumers", "product_name": "纯牛奶", "problem": "mould", "case_count": 6}
    body = {"process_key": "batch_review", "variables": record}
    assert login("agent").post("/process-instances", json=body, expect=403)["error"]["code"] == "not_a_starter"
    started = login("quality").post("/process-instances", json=body, expect=201)
    review = case(login, started["id"])
    [task] = review["tasks"]
    data = {"recall_decided": True, "recall_note": "试一下"}
    err = login("quality").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=422)
    assert err["error"]["code"] == "unknown_batch" and err["error"]["details"][0]["field"] == "batch_id"
    assert case(login, started["id"])["tasks"][0]["id"] == task["id"]  # nothing was kept
    assert login("admin").get("/process-instances?process_key=crisis_response", expect=200)["items"] == []


def test_rule_3_7_a_raised_complaint_keeps_the_reasons_a_missed_time_limit_gave_it(login):
    first = register(login, 1)
    login("admin").post("/admin/clock", json={"advance_seconds": 12 * 3600 + 60}, expect=200)
    before = case(login, first)["variables"]["severity"]
    assert (before["level"], before["reasons"]) == ("D", [{"criterion": "not_contacted_within_12h", "level": "D"}])
    for n in range(2, 7):
        register(login, n)
    after = case(login, first)["variables"]["severity"]
    assert after["level"] == "C"
    assert after["reasons"] == [
        {"criterion": "batch_complaint", "level": "C"},
        {"criterion": "not_contacted_within_12h", "level": "D"},
    ]

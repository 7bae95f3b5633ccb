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

"""Rule 2.9: the hotline answers within three rings. A phone intake records the rings before the
call was answered, the facts keep them, and the summary gives the share answered within three."""

from __future__ import annotations

from typing import Any

from app.clock import clock, utcnow
from app.models import ComplaintFact


def register(login: Any, **extra: Any) -> dict[str, Any]:
    variables = {"channel": "phone", "complainant": {"name": "李四", "phone": "13800138001"}, "description": "漏包"}
    body = {"process_key": "complaint_handling", "variables": {**variables, **extra}}
    return dict(login("agent").post("/process-instances", json=body, expect=201))


def test_rule_2_9_the_rings_of_a_phone_intake_are_kept_in_the_facts(login: Any, rt: Any) -> None:
    case = register(login, rings=2)
    assert login("admin").get(f"/process-instances/{case['id']}", expect=200)["variables"]["rings"] == 2
    with rt.sessions() as s:
        fact = s.get(ComplaintFact, case["id"])
        assert fact is not None and fact.rings == 2


def test_rule_2_9_rings_are_for_the_phone_channel_and_between_1_and_30(login: Any) -> None:
    for extra in ({"rings": 0}, {"rings": 31}, {"rings": 2, "channel": "email"}):
        body = {
            "process_key": "complaint_handling",
            "variables": {"channel": "phone", "complainant": {"name": "李四", "phone": "13800138001"},
                          "description": "漏包", **extra},
        }  # fmt: skip
        err = login("agent").post("/process-instances", json=body, expect=422)
        assert err["error"]["code"] == "invalid_data"
        assert any(d.get("field") in ("rings", "channel") for d in err["error"]["details"]), err


def test_rule_2_9_the_summary_gives_the_share_answered_within_three_rings(login: Any) -> None:
    for rings in (1, 3, 4, 9):
        register(login, rings=rings)
    register(login)  # a phone intake that did not record the rings is not rated
    today = utcnow().astimezone(clock.business_tz).date().isoformat()  # report dates are China dates
    body = login("manager").get(f"/reports/summary?from={today}&to={today}&group_by=channel", expect=200)
    assert body["totals"]["answered_within_3_rings_rate"] == 0.5
    [phone] = body["rows"]
    assert (phone["key"], phone["answered_within_3_rings_rate"]) == ("phone", 0.5)
    # a whole month reads the month rollups kept at save time: the same share
    month = login("manager").get(f"/reports/summary?period=month&date={today}&group_by=channel", expect=200)
    assert month["totals"]["answered_within_3_rings_rate"] == 0.5
    assert [(r["key"], r["answered_within_3_rings_rate"]) for r in month["rows"]] == [("phone", 0.5)]

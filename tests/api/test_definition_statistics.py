"""Contract: ``GET /process-definitions/{key}/versions/{version}/statistics`` on real instances."""

from __future__ import annotations

from typing import Any

from tests.console_helpers import stats_diagram


def start(api: Any, key: str) -> dict[str, Any]:
    return api.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)


def task_of(api: Any, instance_id: int) -> dict[str, Any]:
    [task] = api.get(f"/tasks?instance_id={instance_id}", expect=200)
    return task


def complete(api: Any, instance_id: int, data: dict[str, Any]) -> dict[str, Any]:
    task = task_of(api, instance_id)
    return api.post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=200)["instance"]


def test_statistics_count_instances_per_status_and_tokens_per_element(login):
    admin, agent, quality = login("admin"), login("agent"), login("quality")
    admin.deploy(stats_diagram("st_stats"))
    at_first = [start(agent, "st_stats") for _ in range(2)]
    at_second = start(agent, "st_stats")
    complete(agent, at_second["id"], {"amount": 1})
    failing = start(agent, "st_stats")
    assert complete(agent, failing["id"], {"amount": "x"})["status"] == "error"
    done = start(agent, "st_stats")
    complete(agent, done["id"], {"amount": 2})
    assert complete(quality, done["id"], {})["status"] == "completed"
    ended = start(agent, "st_stats")
    admin.post(f"/process-instances/{ended['id']}/terminate", json={"reason": "duplicate"}, expect=200)
    paused = start(agent, "st_stats")
    admin.post(f"/process-instances/{paused['id']}/suspend", expect=200)

    for reader in (admin, login("analyst")):
        stats = reader.get("/process-definitions/st_stats/versions/1/statistics", expect=200)
        assert stats["instances"] == {"running": 3, "completed": 1, "suspended": 1, "terminated": 1, "error": 1}
        assert stats["instances_are_exact"] is True
        # First: two running and the suspended one hold it, each with its reminder timer pending
        assert stats["elements"] == {
            "first": {"active": 3, "failed": 0},
            "remind": {"active": 3, "failed": 0},
            "second": {"active": 1, "failed": 0},
            "script": {"active": 0, "failed": 1},
        }
    assert len(at_first) == 2


def test_statistics_of_an_unused_version_has_every_status_at_zero(login):
    analyst = login("analyst")
    analyst.deploy(stats_diagram("st_empty"))
    analyst.deploy(stats_diagram("st_empty", script="total = amount + 2"))
    start(login("agent"), "st_empty")  # on version 2
    stats = analyst.get("/process-definitions/st_empty/versions/1/statistics", expect=200)
    assert stats == {
        "instances": {"running": 0, "completed": 0, "suspended": 0, "terminated": 0, "error": 0},
        "instances_are_exact": True,
        "elements": {},
    }
    v2 = analyst.get("/process-definitions/st_empty/versions/2/statistics", expect=200)
    assert v2["instances"]["running"] == 1 and v2["elements"]["first"] == {"active": 1, "failed": 0}


def test_a_retry_that_fails_again_still_counts_one_failure(login):
    admin, agent = login("admin"), login("agent")
    admin.deploy(stats_diagram("st_retry"))
    inst = start(agent, "st_retry")
    complete(agent, inst["id"], {"amount": "x"})
    before = admin.get("/process-definitions/st_retry/versions/1/statistics", expect=200)
    assert before["elements"]["script"] == {"active": 0, "failed": 1}
    still = admin.post(f"/process-instances/{inst['id']}/retry", expect=200)
    assert still["status"] == "error"  # the same data fails again: one open incident, not two
    after = admin.get("/process-definitions/st_retry/versions/1/statistics", expect=200)
    assert after["elements"]["script"] == {"active": 0, "failed": 1}
    assert after["instances"]["error"] == 1


def test_statistics_refusals(login):
    login("analyst").deploy(stats_diagram("st_refuse"))
    path = "/process-definitions/st_refuse/versions/1/statistics"
    for handler in ("agent", "quality", "manager"):
        assert login(handler).get(path, expect=403)["error"]["code"] == "role_required"
    assert login(None).get(path, expect=401)["error"]["code"] == "not_authenticated"
    admin = login("admin")
    err = admin.get("/process-definitions/st_refuse/versions/9/statistics", expect=404)
    assert err["error"]["code"] == "unknown_process_version"
    err = admin.get("/process-definitions/no_such_key/versions/1/statistics", expect=404)
    assert err["error"]["code"] == "unknown_process_version"
    admin.get("/process-definitions/st_refuse/versions/x/statistics", expect=404)


def test_statistics_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/process-definitions/{key}/versions/{version}/statistics"]["get"]
    assert set(op["responses"]) >= {"200", "401", "403", "404"}
    schema = doc["components"]["schemas"]["DefinitionStatistics"]
    assert schema["properties"]["instances"]["required"] == ["running", "completed", "suspended", "terminated", "error"]


def test_counts_stop_at_their_cap(login, monkeypatch):
    from app.services import definition_stats

    monkeypatch.setattr(definition_stats, "COUNT_CAP", 2)
    analyst, agent = login("analyst"), login("agent")
    analyst.deploy(stats_diagram("st_capped"))
    for _ in range(3):
        start(agent, "st_capped")
    stats = analyst.get("/process-definitions/st_capped/versions/1/statistics", expect=200)
    assert stats["instances"]["running"] == 2 and stats["instances"]["completed"] == 0
    assert stats["instances_are_exact"] is False
    assert stats["elements"]["first"] == {"active": 3, "failed": 0}  # tokens are not capped

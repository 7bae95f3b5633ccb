"""Contract "Analyst workbench": ``GET /process-definitions/{key}/versions/{a}/diff/{b}`` lists the
elements added, removed and changed between two versions, with what changed, names and types."""

from __future__ import annotations

from tests.api.test_migrate import Process
from tests.pools import before_and_after, two_pools

COMPLAINT = "complaint_handling"


def test_the_diff_of_two_versions_names_each_element(login):
    proc = Process(login)
    v1, v2 = proc.one(), proc.two()
    analyst = login("analyst")
    diff = analyst.get(f"/process-definitions/{proc.key}/versions/{v1}/diff/{v2}", expect=200)
    assert (diff["from_version"], diff["to_version"], diff["process_key"]) == (v1, v2, proc.key)
    assert diff["added"] == ["f5", "review"]
    assert diff["removed"] == ["f4", "lane_b", "second"]
    assert diff["changed"] == ["end", "f2", "f3", "lane_a", "script"]
    assert diff["details"] == {
        "end": ["lane"],  # it moved from the quality lane to the agents' lane
        "f2": ["flows"],
        "f3": ["flows"],
        "lane_a": ["members"],
        "script": ["script"],
    }
    assert diff["names"]["review"] == "Review" and diff["names"]["second"] == "Second step"
    assert diff["types"]["review"] == "userTask" and diff["types"]["f4"] == "sequenceFlow"
    # the other way round: what was added is removed
    back = login("admin").get(f"/process-definitions/{proc.key}/versions/{v2}/diff/{v1}", expect=200)
    assert (back["added"], back["removed"], back["changed"]) == (diff["removed"], diff["added"], diff["changed"])


def test_a_version_against_itself_is_empty(login):
    diff = login("analyst").get(f"/process-definitions/{COMPLAINT}/versions/1/diff/1", expect=200)
    assert (diff["added"], diff["removed"], diff["changed"], diff["details"]) == ([], [], [], {})


def test_errors_name_the_unknown_key_or_version(login):
    analyst = login("analyst")
    err = analyst.get("/process-definitions/no_such_process/versions/1/diff/1", expect=404)["error"]
    assert "no_such_process" in err["message"]
    err = analyst.get(f"/process-definitions/{COMPLAINT}/versions/1/diff/77", expect=404)["error"]
    assert "77" in err["message"] and COMPLAINT in err["message"]
    err = analyst.get(f"/process-definitions/{COMPLAINT}/versions/78/diff/1", expect=404)["error"]
    assert "78" in err["message"]
    path = f"/process-definitions/{COMPLAINT}/versions/1/diff/1"
    assert login("agent").get(path, expect=403)["error"]["code"] == "role_required"
    login("manager").get(path, expect=403)
    login(None).get(path, expect=401)


def test_openapi_documents_the_diff(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    op = paths["/process-definitions/{key}/versions/{a}/diff/{b}"]["get"]
    assert {"200", "401", "403", "404"} <= set(op["responses"])
    schema = op["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"added", "removed", "changed", "details", "names"} <= set(schema["properties"])
    assert "participant" in schema["properties"]["types"]["description"]
    assert ", process," in schema["properties"]["details"]["description"]  # a pool's process (diagram_diff.ASPECTS)


def test_the_diff_covers_the_collaboration_pools_and_message_flows(login):
    key = "diff_pools"
    analyst = login("analyst")
    v1, v2 = before_and_after(key)
    first = analyst.deploy(v1)[0]["version"]
    second = analyst.deploy(v2)[0]["version"]
    diff = analyst.get(f"/process-definitions/{key}/versions/{first}/diff/{second}", expect=200)
    assert (diff["added"], diff["removed"], diff["changed"]) == (
        ["mf_result"],
        ["mf_answer"],
        ["mf_letter", "p_customer"],
    )
    assert diff["details"] == {"mf_letter": ["name"], "p_customer": ["name"]}
    assert diff["types"] == {
        "mf_result": "messageFlow",
        "mf_answer": "messageFlow",
        "mf_letter": "messageFlow",
        "p_customer": "participant",
    }
    assert diff["names"]["p_customer"] == "Client" and diff["names"]["mf_answer"] == "Answer"
    # a message flow that moves to another task changed its flows
    v3 = two_pools(key, customer="Client", message_flows={"mf_letter": ("Complaint letter", "p_customer", "check")})
    third = analyst.deploy(v3)[0]["version"]
    diff = analyst.get(f"/process-definitions/{key}/versions/{second}/diff/{third}", expect=200)
    assert (diff["removed"], diff["changed"], diff["details"]) == (
        ["mf_result"],
        ["mf_letter"],
        {"mf_letter": ["flows"]},
    )

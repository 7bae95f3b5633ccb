"""Contract: process definitions."""

from __future__ import annotations

from tests.diagrams import two_step


def test_deploy_creates_version_then_unchanged_is_a_no_op(login):
    analyst = login("analyst")
    created = analyst.deploy(two_step("d_noop"), expect=201)
    assert [(d["key"], d["version"], d["name"]) for d in created] == [("d_noop", 1, "Two step")]
    again = analyst.deploy(two_step("d_noop"), expect=200)
    assert [(d["key"], d["version"]) for d in again] == [("d_noop", 1)]
    changed = analyst.deploy(two_step("d_noop", script="result = 'changed'"), expect=201)
    assert [(d["key"], d["version"]) for d in changed] == [("d_noop", 2)]


def test_list_shows_latest_or_all_versions(login):
    analyst = login("analyst")
    analyst.deploy(two_step("d_list"))
    analyst.deploy(two_step("d_list", script="x = 1"))
    latest = [d for d in analyst.get("/process-definitions", expect=200) if d["key"] == "d_list"]
    assert [d["version"] for d in latest] == [2]
    assert set(latest[0]) >= {"key", "version", "name", "deployed_at"}
    every = [d for d in analyst.get("/process-definitions?all=1", expect=200) if d["key"] == "d_list"]
    assert [d["version"] for d in every] == [1, 2]


def test_deploy_as_multipart_file(login, client):
    analyst = login("analyst")
    from io import BytesIO

    r = client.post(
        "/api/v1/process-definitions",
        headers=analyst.headers,
        data={"file": (BytesIO(two_step("d_multi")), "d.bpmn")},
        content_type="multipart/form-data",
    )
    assert r.status_code == 201
    assert r.get_json()[0]["key"] == "d_multi"
    r = client.post("/api/v1/process-definitions", headers=analyst.headers, data={}, content_type="multipart/form-data")
    assert r.status_code == 400
    assert r.get_json()["error"]["details"][0]["field"] == "file"


def test_xml_of_a_version_round_trips(login):
    analyst = login("analyst")
    xml = two_step("d_xml")
    analyst.deploy(xml)
    r = analyst.client.get("/api/v1/process-definitions/d_xml/versions/1/xml", headers=analyst.headers)
    assert r.status_code == 200 and r.mimetype == "application/xml"
    assert r.get_data() == xml
    err = analyst.get("/process-definitions/d_xml/versions/9/xml", expect=404)
    assert err["error"]["code"] == "unknown_process_version"


def test_invalid_diagram_names_the_elements(login):
    analyst = login("analyst")
    bad = two_step("d_bad", script="x = __import__('os')")
    err = analyst.deploy(bad, expect=422)
    assert err["error"]["code"] == "invalid_bpmn"
    assert any(d["element_id"] == "script" for d in err["error"]["details"])
    assert all({"element_id", "message"} <= set(d) for d in err["error"]["details"])
    names = [d["key"] for d in analyst.get("/process-definitions?all=1", expect=200)]
    assert "d_bad" not in names  # nothing half-applied


def test_broken_flow_reference_is_refused_with_element(login):
    xml = two_step("d_ref").replace(b'targetRef="second"', b'targetRef="nowhere"')
    err = login("analyst").deploy(xml, expect=422)
    assert err["error"]["details"], err


def test_deploy_needs_analyst_or_admin(login):
    assert login("agent").deploy(two_step("d_role"), expect=403)["error"]["code"] == "role_required"
    assert login(None).deploy(two_step("d_role"), expect=401)["error"]["code"] == "not_authenticated"
    login("admin").deploy(two_step("d_role"), expect=201)


def test_oversized_diagram_is_413(login, rt):
    limit = rt.settings.max_bpmn_bytes
    body = two_step("d_big").replace(b"</bpmn:definitions>", b"<!--" + b"x" * (limit + 10) + b"--></bpmn:definitions>")
    err = login("analyst").deploy(body, expect=413)
    assert err["error"]["code"] in {"diagram_too_large", "payload_too_large"}


def test_process_marked_not_executable_is_refused(login):
    xml = two_step("d_noexec").replace(b'isExecutable="true"', b'isExecutable="false"')
    err = login("analyst").deploy(xml, expect=422)
    assert err["error"]["details"][0]["element_id"] == "d_noexec"

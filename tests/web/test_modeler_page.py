"""The modeler page (issue 8 §1) over HTTP: what it gives its script (an inert JSON block, never an
inline script), in both languages, and the clear refusals for a bad address."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from app.web.modeler_view import routed

CONFIG = re.compile(r'<script type="application/json" id="modeler-config">(.*?)</script>', re.S)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.S)


def config_of(page: str) -> dict[str, Any]:
    found = CONFIG.search(page)
    assert found, "no modeler-config block"
    return json.loads(found.group(1))


def test_a_deployed_version_opens_with_its_xml_and_the_servers_forms(web_login):
    page = web_login("analyst", lang="en").text("/workbench/model?key=complaint_handling&version=1")
    config = config_of(page)
    assert config["mode"] == "version"
    assert (config["process_key"], config["version"]) == ("complaint_handling", 1)
    assert config["urls"]["xml"] == "/api/v1/process-definitions/complaint_handling/versions/1/xml"
    assert "confirm_record" in config["forms"] and "complaint_handling.start" not in config["forms"]
    assert config["labels"]["timer_due"] == "due {due} if it started now"
    assert config["urls"]["draft_page_pattern"] == "/workbench/drafts/{id}"
    assert "Download .bpmn" in page and "Upload .bpmn" in page and "Deploy" in page
    assert 'id="modeler-canvas"' in page and 'id="modeler-properties"' in page and 'id="lint-list"' in page


def test_the_page_runs_no_inline_script_and_loads_the_bundle(web_login):
    page = web_login("admin", lang="en").text("/workbench/model?key=complaint_handling&version=1")
    for attributes in SCRIPT_TAG.findall(page):
        assert "src=" in attributes or 'type="application/json"' in attributes, attributes
    assert "/web-static/vendor/modeler/modeler.js" in page
    assert "/web-static/vendor/modeler/properties-panel.css" in page


def test_the_page_speaks_chinese_by_default(web_login):
    page = web_login("analyst").text("/workbench/model?key=complaint_handling&version=1")
    config = config_of(page)
    assert config["labels"]["timer_due"].startswith("若现在开始") and "{due}" in config["labels"]["timer_due"]
    assert config["panel_words"]["General"] == "常规"
    assert "下载 .bpmn" in page and "上传 .bpmn" in page


def test_a_new_diagram_and_a_draft_have_their_own_mode(web_login, login):
    analyst = web_login("analyst", lang="en")
    assert config_of(analyst.text("/workbench/model"))["mode"] == "new"
    made = login("analyst").post("/drafts", json={"name": "mode check"}, expect=201)
    n = made["id"]
    draft = config_of(analyst.text(f"/workbench/drafts/{n}"))
    assert draft["mode"] == "draft" and draft["draft_id"] == n
    assert draft["urls"]["draft"] == f"/api/v1/drafts/{n}"
    assert draft["urls"]["draft_files"] == f"/api/v1/drafts/{n}/files"
    assert draft["urls"]["draft_deploy"] == f"/api/v1/drafts/{n}/deploy"


def test_a_drafts_page_links_its_tables_and_forms_and_is_nobody_elses(web_login, login):
    made = login("analyst").post(
        "/drafts", json={"from": {"process_key": "complaint_handling", "version": 1}}, expect=201
    )
    page = html.unescape(web_login("analyst", lang="en").text(f"/workbench/drafts/{made['id']}"))
    assert "Tables and forms of this draft" in page and made["name"] in page
    links = re.findall(r'<li><a class="edit-(?:table|form)" href="([^"]+)">([^<]+)</a></li>', page)
    assert (
        f"/workbench/decisions/edit?draft={made['id']}&name=approval_authority.dmn",
        "approval_authority.dmn",
    ) in links
    assert (f"/workbench/forms/edit?draft={made['id']}&name=forms/confirm_record.json", "confirm_record.json") in links
    assert not any(label.endswith(".bpmn") for _, label in links)
    assert "此草稿的决策表格和表单" in web_login("analyst").text(f"/workbench/drafts/{made['id']}")
    # someone else's draft, or none: 404 (an admin reads any draft, as the drafts API lets them)
    web_login("analyst", lang="en").get("/workbench/drafts/999999", expect=404)
    web_login("admin", lang="en").get(f"/workbench/drafts/{made['id']}", expect=200)


@pytest.mark.parametrize(
    ("query", "status", "says"),
    [
        ("?key=complaint_handling&version=99", 404, "no version 99 of process"),
        ("?key=no_such_process&version=1", 404, "no_such_process"),
        ("?key=complaint_handling&version=abc", 400, "version must be a whole number"),
        ("?key=complaint_handling&version=0", 400, "version must be a whole number"),
        ("?key=complaint_handling", 400, "give both key and version"),
        ("?version=1", 400, "give both key and version"),
    ],
)
def test_a_bad_address_is_refused_clearly(web_login, query, status, says):
    r = web_login("analyst", lang="en").get(f"/workbench/model{query}", expect=status)
    assert says in html.unescape(r.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/workbench/model", "/workbench/drafts/999999"])
def test_handlers_may_not_open_the_modeler(web_login, path):
    r = web_login("agent", lang="en").get(path, expect=403)
    assert "analysts and administrators" in r.get_data(as_text=True)


def test_only_endpoints_this_server_answers_are_given_to_the_script(app):
    with app.test_request_context():
        assert routed("/api/v1/process-definitions/complaint_handling/versions/1/xml", "GET")
        assert routed("/api/v1/process-definitions", "POST") == "/api/v1/process-definitions"
        assert routed("/api/v1/no/such/endpoint", "GET") == ""
        assert routed("/api/v1/process-definitions", "DELETE") == ""

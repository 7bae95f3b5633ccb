"""The case page's diagram section (what the viewer script is handed) and the element-history
panel route, with every status it answers, in both languages."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from tests.diagrams import two_step

SECTION = re.compile(r'<section class="card case-diagram" id="case-diagram"(.*?)>', re.DOTALL)


def section_data(page: str) -> dict[str, Any]:
    found = SECTION.search(page)
    assert found, "the case page has no diagram section"
    attrs = {}
    for name, dq, sq in re.findall(r'data-([a-z-]+)=(?:"([^"]*)"|\'([^\']*)\')', found.group(1)):
        attrs[name] = html.unescape(dq or sq)
    return attrs


def test_the_case_page_hands_the_viewer_its_urls_and_notes(web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent")
    page = agent.text(f"/instances/{instance_id}")
    data = section_data(page)
    assert data["xml-url"] == "/api/v1/process-definitions/complaint_handling/versions/1/xml"
    assert data["state-url"] == f"/api/v1/process-instances/{instance_id}/diagram"
    assert data["history-url"] == f"/instances/{instance_id}/elements/{data['placeholder']}/history"
    notes = json.loads(data["overlays"])
    # the registering agent holds the confirmation (first-responder rule); its timers are due
    [holder] = notes["Task_ConfirmRecord"]
    assert holder["kind"] == "holder" and holder["text"].startswith("经办人") and holder["text"].endswith("agent")
    reminder = notes["Timer_ContactReminder"][0]
    assert reminder["kind"].startswith("timer") and "到期 · 剩余" in reminder["text"]
    labels = json.loads(data["labels"])
    assert labels["failed"] == "流程图无法绘制。" and "{n}" in labels["times"]
    # the script and the viewer come from our own origin, deferred; no inline script
    assert '<script src="/web-static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" defer>' in page
    assert '<script src="/web-static/js/case_diagram.js" defer>' in page
    assert "<script>" not in page
    for legend in ("已完成", "进行中", "等待中", "出错", "已取消", "已走过的路径"):
        assert legend in page
    # the files the page names exist
    for path in re.findall(r'(?:src|href)="(/web-static/[^"]+)"', page):
        response = agent.get(path, expect=200)
        response.close()


def test_the_case_page_in_english(web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent", lang="en")
    page = agent.text(f"/instances/{instance_id}")
    data = section_data(page)
    assert json.loads(data["overlays"])["Task_ConfirmRecord"][0]["text"] == "Held by agent"
    assert "Case diagram" in page and "Path taken" in page
    assert json.loads(data["labels"])["failed"] == "The diagram could not be drawn."


def test_an_incident_is_a_note_on_its_element(web_login, login):
    login("analyst").deploy(two_step("page_fails", script="result = 1 / 0"))
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "page_fails", "variables": {}}, expect=201)
    [first] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{first['id']}/complete", json={"data": {}}, expect=200)
    notes = json.loads(section_data(web_login("admin").text(f"/instances/{inst['id']}"))["overlays"])
    [incident] = notes["script"]
    assert incident["kind"] == "incident" and "ZeroDivisionError" in incident["title"]


def test_the_history_panel_of_an_element(web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent")
    r = agent.post(f"/instances/{instance_id}/repeat-contact", {"channel": "phone", "note": "再次来电"})
    assert r.status_code == 302
    panel = agent.text(f"/instances/{instance_id}/elements/Task_ConfirmRecord/history")
    assert panel.lstrip().startswith('<div class="element-history"')  # a fragment, not a page
    assert 'data-type="task_created"' in panel and "任务生成" in panel
    assert "客服专员" in panel or "cs_agents" not in panel  # groups by name, never by key
    empty = agent.text(f"/instances/{instance_id}/elements/Task_SiteVisit/history")
    assert "此步骤尚无记录。" in empty


def test_the_history_panel_shows_submitted_data_labelled(web_login, login):
    login("analyst").deploy(two_step("page_data"))
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "page_data", "variables": {}}, expect=201)
    [first] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{first['id']}/complete", json={"data": {"root_cause": "封口不严"}}, expect=200)
    panel = web_login("agent", lang="en").text(f"/instances/{inst['id']}/elements/first/history")
    done = panel[panel.index('data-type="task_completed"') :]
    assert '<span class="actor">agent</span>' in done
    assert "封口不严" in done and "Root cause" in done  # the investigation form's label


def test_the_history_panel_refuses_like_the_case_page(web_login, login, client):
    login("analyst").deploy(two_step("page_private"))
    inst = login("agent2").post("/process-instances", json={"process_key": "page_private"}, expect=201)
    path = f"/instances/{inst['id']}/elements/first/history"
    quality = web_login("quality")
    quality.get(f"/instances/{inst['id']}", expect=403)
    quality.get(path, expect=403)
    quality.get("/instances/999999/elements/first/history", expect=404)
    r = client.get(path)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    web_login("agent").get(path, expect=200)

"""The modeler's workbench helpers in Chromium (issue 8 §1 and §4): the lint panel marks the element
of a timer typo and clears once it is fixed, the timer preview under the timer, and the pickers of
handlers, groups and forms writing the product's extension elements.

The lint, groups, handlers and preview endpoints belong to other parts of the workbench: where this
server has one, the page must use it (and each test checks what it shows against the API's own
answer); where it has none, the page must say so or fall back to free text, without a failed call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from lxml import etree
from playwright.sync_api import Page, expect

from app.web.modeler_view import routed
from tests.browser.desk import screenshot
from tests.browser.modeler_kit import CAMUNDA_NS, SPIFF_NS, download, open_modeler, select, upload

pytestmark = pytest.mark.browser

TYPO = Path(__file__).parent / "diagrams" / "reminder_typo.bpmn"


def has_route(app: Flask, path: str, method: str) -> bool:
    with app.test_request_context():
        return bool(routed(path, method))


def set_timer(page: Page, value: str) -> None:
    field = page.locator('[data-entry-id="timerEventDefinitionValue"] input')
    field.fill(value)
    field.blur()


def test_a_timer_typo_is_marked_on_its_element_and_cleared_once_fixed(desk, app):
    validating = has_route(app, "/api/v1/process-definitions/validate", "POST")
    previewing = has_route(app, "/api/v1/timers/preview", "POST")
    analyst = desk("analyst")
    page = open_modeler(analyst)
    upload(page, TYPO)
    summary = page.locator("#lint-summary")
    timer_line = page.locator('#lint-list li.lint-error[data-element-id="Timer_Reminder"]')
    timer_shape = page.locator('.djs-element.lint-has-error[data-element-id="Timer_Reminder"]')
    if validating:
        expect(timer_line).to_have_count(1)
        expect(timer_shape).to_have_count(1)
        expect(page.locator('.djs-overlays[data-container-id="Timer_Reminder"] .lint-badge.error')).to_have_text("1")
        timer_line.click()
        expect(page.locator('.djs-element.selected[data-element-id="Timer_Reminder"]')).to_have_count(1)
    else:
        expect(summary).to_have_attribute("data-state", "unavailable")
        expect(summary).to_have_text("此服务器不提供校验功能。")
        select(page, "Timer_Reminder")

    preview = page.locator('[data-entry-id="product-timer-preview"] .timer-preview-text')
    expect(page.locator('[data-entry-id="timerEventDefinitionValue"] input')).to_have_value("PT12HH")
    if previewing:
        expect(preview).to_have_class("timer-preview-text invalid")
    else:
        expect(preview).to_have_text("此服务器不提供定时器预览。")
    screenshot(page, "modeler-timer-typo")

    set_timer(page, "PT12H")
    if previewing:
        expect(preview).to_have_class("timer-preview-text valid")
        expect(preview).to_contain_text("若现在开始，将于 2")  # noqa: RUF001  (the Chinese sentence's comma)
    if validating:
        expect(timer_line).to_have_count(0)
        expect(timer_shape).to_have_count(0)
    saved = etree.fromstring(download(page))
    assert saved.findtext(".//{*}boundaryEvent[@id='Timer_Reminder']//{*}timeDuration") == "PT12H"
    screenshot(page, "modeler-timer-fixed")
    assert analyst.errors == []


def operator_of(xml: bytes, task_id: str) -> Any:
    return etree.fromstring(xml).find(f".//{{*}}serviceTask[@id='{task_id}']//{{{SPIFF_NS}}}serviceTaskOperator")


def test_the_handler_picker_writes_the_handlers_parameters(desk, app, login):
    catalogue = login("analyst").get("/handlers") if has_route(app, "/api/v1/handlers", "GET") else None
    analyst = desk("analyst")
    page = open_modeler(analyst, "?key=complaint_handling&version=1")
    select(page, "Service_ClassifySeverity")
    handler = page.locator('[data-entry-id="product-handler"]')
    if catalogue is None:
        field = handler.locator("input")
        expect(field).to_have_value("severity_from_criteria")
        field.fill("notify")
        field.blur()
        operator = operator_of(download(page), "Service_ClassifySeverity")
        assert operator is not None and operator.get("id") == "notify"
        assert len(operator.findall(f".//{{{SPIFF_NS}}}parameter")) == 3  # kept: no catalogue to say otherwise
        assert analyst.errors == []
        return
    names = [h["name"] for h in catalogue]
    expect(handler.locator("select")).to_have_value("severity_from_criteria")
    expect(handler.locator("select option")).to_have_count(len(names) + 1)
    other = next(h for h in catalogue if h["name"] != "severity_from_criteria" and h["parameters"])
    handler.locator("select").select_option(other["name"])
    for parameter in other["parameters"]:
        expect(page.locator(f'[data-entry-id="product-parameter-{parameter["name"]}"] input')).to_have_count(1)
    first = other["parameters"][0]["name"]
    field = page.locator(f'[data-entry-id="product-parameter-{first}"] input')
    field.fill("'picked in the panel'")
    field.blur()
    screenshot(page, "modeler-handler-picker")
    operator = operator_of(download(page), "Service_ClassifySeverity")
    assert operator is not None and operator.get("id") == other["name"]
    written = {p.get("id"): p.get("value") for p in operator.iter(f"{{{SPIFF_NS}}}parameter")}
    assert list(written) == [p["name"] for p in other["parameters"]]
    assert written[first] == "'picked in the panel'"
    assert analyst.errors == []


def test_lane_and_candidate_group_pickers_offer_the_real_groups(desk, app, login):
    groups = login("analyst").get("/groups") if has_route(app, "/api/v1/groups", "GET") else None
    analyst = desk("analyst")
    page = open_modeler(analyst)
    upload(page, TYPO)
    select(page, "Task_Check")
    form = page.locator('[data-entry-id="product-form"] select')
    expect(form).to_have_value("confirm_record")
    form.select_option("investigate")
    candidates = page.locator('[data-entry-id="product-candidate-groups"] input')
    expect(candidates).to_have_value("cs_agents")
    if groups is None:
        candidates.fill("cs_agents,managers")
        candidates.blur()
        wanted = "cs_agents,managers"
    else:
        other = next(g["name"] for g in groups if g["name"] != "cs_agents")
        expect(page.locator('[data-entry-id^="product-candidate-group-"]')).to_have_count(len(groups))
        page.locator(f'[data-entry-id="product-candidate-group-{other}"] input').check()
        wanted = f"cs_agents,{other}"
        expect(candidates).to_have_value(wanted)
    screenshot(page, "modeler-user-task-pickers")
    task = etree.fromstring(download(page)).find(".//{*}userTask[@id='Task_Check']")
    assert task is not None
    assert task.get(f"{{{CAMUNDA_NS}}}formKey") == "investigate"
    assert task.get(f"{{{CAMUNDA_NS}}}candidateGroups") == wanted
    assert analyst.errors == []


def test_a_lane_names_its_group(desk, app, login):
    groups = login("analyst").get("/groups") if has_route(app, "/api/v1/groups", "GET") else None
    analyst = desk("analyst")
    page = open_modeler(analyst, "?key=complaint_handling&version=1")
    select(page, "Lane_Sales")
    lane = page.locator('[data-entry-id="product-lane-group"]')
    if groups is None:
        expect(lane.locator("input")).to_have_value("sales")
        lane.locator("input").fill("quality")
        lane.locator("input").blur()
        wanted = "quality"
    else:
        expect(lane.locator("select")).to_have_value("sales")
        wanted = next(g["name"] for g in groups if g["name"] != "sales")
        lane.locator("select").select_option(wanted)
    saved = etree.fromstring(download(page))
    assert saved.find(".//{*}lane[@id='Lane_Sales']").get("name") == wanted
    assert analyst.errors == []


def test_the_business_calendar_helper_writes_a_working_hours_limit(desk, app):
    previewing = has_route(app, "/api/v1/timers/preview", "POST")
    analyst = desk("analyst")
    page = open_modeler(analyst)
    upload(page, TYPO)
    select(page, "Timer_Reminder")
    helper = page.locator('[data-entry-id="product-calendar-helper"]')
    helper.locator("select").select_option("working_hours")
    helper.locator("input").fill("24")
    helper.locator("button").click()
    expect(page.locator('[data-entry-id="timerEventDefinitionValue"] input')).to_have_value("working_hours(24)")
    expect(page.locator('[data-entry-id="timerEventDefinitionType"] select')).to_have_value("timeDate")
    if previewing:
        preview = page.locator('[data-entry-id="product-timer-preview"] .timer-preview-text')
        expect(preview).to_have_class("timer-preview-text valid")
    screenshot(page, "modeler-calendar-helper")
    timer = etree.fromstring(download(page)).find(".//{*}boundaryEvent[@id='Timer_Reminder']/{*}timerEventDefinition")
    assert timer is not None
    assert timer.findtext("{*}timeDate") == "working_hours(24)" and timer.find("{*}timeDuration") is None
    assert analyst.errors == []


def test_save_draft_turns_the_version_into_a_draft_or_says_drafts_are_missing(desk, app, login):
    analyst = desk("analyst")
    page = open_modeler(analyst, "?key=complaint_handling&version=1")
    status = page.locator("#modeler-status")
    page.click("#modeler-deploy")
    expect(status).to_have_text("请先将流程图保存为草稿；部署的是草稿。")  # noqa: RUF001  (the Chinese semicolon)
    if not has_route(app, "/api/v1/drafts", "POST"):
        page.click("#modeler-save")
        expect(status).to_have_text("草稿未保存：此服务器不提供草稿功能（404）。")  # noqa: RUF001  (Chinese brackets)
        assert [e for e in analyst.errors if "404" not in e] == []
        return
    select(page, "Task_ConfirmRecord")
    name = page.locator('[data-entry-id="name"] textarea')
    name.fill("确认登记（草稿）Confirm record (draft)")  # noqa: RUF001  (Chinese brackets)
    name.blur()
    page.click("#modeler-save")
    page.wait_for_url("**/workbench/drafts/*")
    expect(page.locator("#modeler-canvas")).to_have_attribute("data-import-state", "done")
    draft_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    draft = login("analyst").get(f"/drafts/{draft_id}", expect=200)
    assert draft["process_key"] == "complaint_handling" and draft["base_version"] == 1
    diagram = next(name for name in draft["files"] if name.endswith(".bpmn"))
    saved = login("analyst").client.get(f"/api/v1/drafts/{draft_id}/files/{diagram}", headers=login("analyst").headers)
    assert "确认登记（草稿）Confirm record (draft)".encode() in saved.data  # noqa: RUF001
    screenshot(page, "modeler-draft")
    assert analyst.errors == []


def test_conditions_and_scripts_are_edited_in_the_panel(desk):
    analyst = desk("analyst")
    page = open_modeler(analyst)
    upload(page, Path(__file__).parent / "diagrams" / "approval_gateway.bpmn")
    select(page, "Flow_Small")
    condition = page.locator('[data-entry-id="conditionExpression"] input')
    expect(condition).to_have_value("amount <= 500")
    condition.fill("amount <= 800")
    condition.blur()
    screenshot(page, "modeler-condition")
    select(page, "Script_SetAmount")
    post = page.locator('[data-entry-id="product-post_script"] textarea')
    post.fill("approved_by_manager = amount <= 800")
    post.blur()
    pre = page.locator('[data-entry-id="product-pre_script"] textarea')
    pre.fill("amount = amount or 0")
    pre.blur()
    saved = etree.fromstring(download(page))
    assert saved.findtext(".//{*}sequenceFlow[@id='Flow_Small']/{*}conditionExpression") == "amount <= 800"
    task = saved.find(".//{*}scriptTask[@id='Script_SetAmount']")
    assert task is not None and task.findtext("{*}script") == "amount = 700"
    assert task.findtext(f"{{*}}extensionElements/{{{SPIFF_NS}}}postScript") == "approved_by_manager = amount <= 800"
    assert task.findtext(f"{{*}}extensionElements/{{{SPIFF_NS}}}preScript") == "amount = amount or 0"
    assert analyst.errors == []

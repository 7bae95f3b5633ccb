"""The version pages in headless Chromium: the diff of two versions drawn by bpmn-js on both
diagrams (added green on the newer, removed red on the older, changed amber on both; a click on a
change highlights it), and the migration of a running case from the dry run to the results."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.diagrams import HEAD

pytestmark = pytest.mark.browser

DI = (
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI"'
)


def laid_out(key: str, *, second: str, second_name: str, reply_name: str) -> bytes:
    """start -> reply -> {second} -> end, with its layout (BPMN DI)."""
    shapes = {"start": (100, 122, 36, 36), "reply": (200, 100, 100, 80), second: (360, 100, 100, 80)}
    shapes["end"] = (520, 122, 36, 36)
    edges = {"f1": (136, 200), "f2": (300, 360), "f3": (460, 520)}
    layout = "".join(
        f'<bpmndi:BPMNShape id="{e}_di" bpmnElement="{e}"><dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/>'
        "</bpmndi:BPMNShape>"
        for e, (x, y, w, h) in shapes.items()
    ) + "".join(
        f'<bpmndi:BPMNEdge id="{f}_di" bpmnElement="{f}"><di:waypoint x="{a}" y="140"/><di:waypoint x="{b}" y="140"/>'
        "</bpmndi:BPMNEdge>"
        for f, (a, b) in edges.items()
    )
    return (
        f"{HEAD.replace('<bpmn:definitions ', f'<bpmn:definitions {DI} ')}"
        f'<bpmn:process id="{key}" name="Diff demo" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply"/>'
        f'<bpmn:userTask id="reply" name="{reply_name}"/>'
        f'<bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="{second}"/>'
        f'<bpmn:userTask id="{second}" name="{second_name}"/>'
        f'<bpmn:sequenceFlow id="f3" sourceRef="{second}" targetRef="end"/><bpmn:endEvent id="end"/></bpmn:process>'
        f'<bpmndi:BPMNDiagram id="layout"><bpmndi:BPMNPlane id="plane" bpmnElement="{key}">{layout}'
        "</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"
    ).encode()


def two_versions(login: Any) -> str:
    key = f"br_diff_{secrets.token_hex(3)}"
    analyst = login("analyst")
    analyst.deploy(laid_out(key, second="check", second_name="Check", reply_name="Reply"))
    return key


def marked(page: Any, side: str, element: str) -> Any:
    return page.locator(f'.diff-side[data-side="{side}"] g.djs-element[data-element-id="{element}"]')


def test_the_diff_is_drawn_on_both_diagrams_and_a_click_highlights_a_change(
    login: Any, desk: Callable[..., Desk]
) -> None:
    key = two_versions(login)
    login("analyst").deploy(laid_out(key, second="review", second_name="Review", reply_name="Reply to customer"))
    analyst = desk("analyst", locale="en-US")
    page = analyst.page
    analyst.errors.clear()  # the login page's missing favicon
    page.goto(f"{analyst.base}/definitions?key={key}&version=2&lang=en")
    page.locator(f'a.diff-link[href="/definitions/{key}/diff/1/2"]').click()
    expect(page.locator("#version-diff")).to_have_attribute("data-state", "ready")
    expect(marked(page, "b", "review")).to_have_class(re.compile(r"\bdiff-added\b"))
    expect(marked(page, "a", "check")).to_have_class(re.compile(r"\bdiff-removed\b"))
    for side in ("a", "b"):
        expect(marked(page, side, "reply")).to_have_class(re.compile(r"\bdiff-changed\b"))
        expect(marked(page, side, "start")).not_to_have_class(re.compile(r"\bdiff-"))
    expect(page.locator('.diff-row[data-element="reply"]')).to_contain_text("name")
    expect(page.locator('.diff-row[data-element="review"]')).to_contain_text("Review")
    page.locator('.diff-row[data-element="reply"]').click()
    expect(page.locator('.diff-row[data-element="reply"]')).to_have_class(re.compile(r"\bselected\b"))
    for side in ("a", "b"):
        expect(marked(page, side, "reply")).to_have_class(re.compile(r"\bdiff-focus\b"))
    screenshot(page, "definition-diff")
    assert analyst.errors == [], analyst.errors


def test_an_admin_migrates_a_running_case_from_the_dry_run(login: Any, desk: Callable[..., Desk]) -> None:
    key = two_versions(login)
    inst = login("admin").post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
    login("analyst").deploy(laid_out(key, second="check", second_name="Check", reply_name="Reply to customer"))
    admin = desk("admin")
    page = admin.page
    admin.errors.clear()
    page.goto(f"{admin.base}/definitions/{key}/versions/1/migration")
    page.select_option("select[name=to_version]", "2")
    page.click("form.migration-picker button[type=submit]")
    row = page.locator(f'tr[data-instance="{inst["id"]}"]')
    expect(row.locator(".can-migrate")).to_have_text("是")
    expect(row).to_contain_text("reply")
    screenshot(page, "migration-dry-run")
    page.click("button.primary")
    expect(page.locator("p.confirm-text")).to_contain_text("v1")
    screenshot(page, "migration-confirm")
    page.click("button.primary")
    result = page.locator(f'.migration-results tr[data-instance="{inst["id"]}"]')
    expect(result).to_have_attribute("data-outcome", "migrated")
    expect(result).to_contain_text("已迁移")
    screenshot(page, "migration-results")
    shown = login("admin").get(f"/process-instances/{inst['id']}", expect=200)
    assert shown["version"] == 2
    assert admin.errors == [], admin.errors

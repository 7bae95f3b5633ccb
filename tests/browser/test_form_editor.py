"""The form editor in headless Chromium: the field table writes the JSON, and the preview (the task
page's own renderer, both languages) follows each change; a broken form shows its error."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot

pytestmark = pytest.mark.browser


def test_editing_a_form_updates_the_json_and_both_previews(desk: Callable[..., Desk]) -> None:
    analyst = desk("analyst")
    page = analyst.page
    page.goto(f"{analyst.base}/workbench/forms/edit?form=propose_solution")
    table = page.locator("#field-editor")
    expect(table).to_be_visible()
    expect(page.locator("#preview-zh .pane-body")).to_contain_text("处理方式")
    expect(page.locator("#preview-en .pane-body")).to_contain_text("Solution")

    # a label in each language
    row = page.locator('tr[data-field="solution_type"]')
    row.locator(".field-title-en").fill("Remedy offered")
    row.locator(".field-title-zh").fill("补救方式")
    expect(page.locator("#preview-en .pane-body")).to_contain_text("Remedy offered")
    expect(page.locator("#preview-zh .pane-body")).to_contain_text("补救方式")

    # a new choice with its two labels
    choices = page.locator('tr[data-choices-for="solution_type"] textarea')
    choices.fill(choices.input_value() + "\nvoucher | Voucher | 代金券")
    expect(page.locator("#preview-zh .pane-body")).to_contain_text("代金券")

    # a new required field
    page.click("#add-field")
    new_row = page.locator("tr[data-field]").last
    new_row.locator(".field-title-en").fill("Voucher code")
    new_row.locator(".field-title-zh").fill("代金券编号")
    new_row.locator(".field-required").check()
    expect(page.locator("#preview-en .pane-body")).to_contain_text("Voucher code")

    written = json.loads(page.locator("#schema-json").input_value())
    assert written["properties"]["solution_type"]["title"] == "Remedy offered"
    assert written["properties"]["solution_type"]["x-enum-titles"]["voucher"] == {"en": "Voucher", "zh": "代金券"}
    name = list(written["properties"])[-1]
    assert written["properties"][name]["x-title-zh"] == "代金券编号" and name in written["required"]
    assert written["allOf"] == json.loads(page.locator("#schema-json").input_value())["allOf"]  # conditions kept
    expect(page.locator("#form-report li.error")).to_have_count(0)
    screenshot(page, "form-editor")

    # a condition naming a field that is gone is an error the analyst sees
    page.locator("#schema-json").fill(json.dumps({**written, "required": ["ghost"]}))
    expect(page.locator("#form-report li.error")).to_contain_text("'ghost' is not a field")
    assert analyst.errors == []

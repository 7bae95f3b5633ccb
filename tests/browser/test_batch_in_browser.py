"""A batch of complaints (rule 3.7) in headless Chromium: the complaint's page shows the batch
card and draws ``Service_BatchCheck`` as done; the review's page draws ``batch_review`` (its lane,
the DI of every element) with the quality department's decision active."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.batches.test_batch_complaints import register, reviews
from tests.browser.desk import screenshot
from tests.browser.test_case_diagram import assert_clean, element, open_case

pytestmark = pytest.mark.browser


def _has(css_class: str) -> re.Pattern[str]:
    return re.compile(rf"(^|\s){re.escape(css_class)}(\s|$)")


def test_rule_3_7_the_batch_card_and_the_recall_decision_in_the_browser(login: Any, desk: Any) -> None:
    ids = [register(login, n) for n in range(1, 7)]
    [review] = reviews(login)
    admin = desk("admin")
    page = open_case(admin, ids[0])
    card = page.locator("#batch")
    expect(card).to_be_visible()
    expect(card.locator(".batch-count")).to_have_text("6")
    expect(card.locator(".batch-recall")).to_have_attribute("data-recall", "pending")
    expect(card).to_contain_text("同一生产日期6名以上独立消费者")
    expect(element(page, "Service_BatchCheck")).to_have_class(_has("state-completed"))
    screenshot(page, "batch_card")
    page = open_case(admin, review["id"])
    expect(element(page, "Task_DecideRecall")).to_have_class(_has("state-active"))
    for drawn in (
        "Lane_Quality",
        "Service_DecideRecall",
        "Gateway_Recall",
        "EndEvent_Recalled",
        "EndEvent_NotRecalled",
    ):
        expect(element(page, drawn)).to_have_count(1)
    screenshot(page, "batch_review_case")
    assert_clean(admin)

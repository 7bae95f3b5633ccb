"""Evidence in the browser: a handler uploads a photo on the intake form (drop zone script:
progress, thumbnail, ticked in the field), the case page and the manager's approval page show
its thumbnail, and a file added on the case page appears in the list. Screenshots of each page."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.desk import Desk, screenshot
from tests.evidence import png

pytestmark = pytest.mark.browser


def image_drawn(page: Page, selector: str) -> bool:
    """Whether the image was fetched and decoded (a broken thumbnail has no natural width)."""
    locator = page.locator(selector).first
    expect(locator).to_be_visible()
    locator.scroll_into_view_if_needed()
    page.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=locator.element_handle(), timeout=30_000)
    return bool(locator.evaluate("(el) => el.naturalWidth > 0"))


def to_manager_approval(login: Any, instance_id: int, photo_id: str) -> None:
    """Confirm, classify (product quality), acknowledge the hand-over, investigate citing the intake
    photo, propose 300 yuan."""
    steps = [
        ("agent", {"record_confirmed": True, "acceptance_decision": "accepted", "promised_reply_hours": 24}),
        ("supervisor", {"subject": "product_quality", "severity_grade": "general"}),
        ("quality", {"handover_acknowledged": True}),  # the quality department takes the case (rule 2.4)
        (
            "quality",
            {
                "subject": "product_quality",
                "root_cause": "封口不严",
                "evidence_photos": [photo_id],
                "responsibility": "company",
                "lab_judgement_needed": False,
            },
        ),
        ("quality", {"solution_type": "compensation", "solution_description": "赔偿", "compensation_amount": 300}),
    ]
    for user, data in steps:
        api = login(user)
        [task] = api.get(f"/tasks?instance_id={instance_id}&scope=all", expect=200)
        api.post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=200)


def test_a_photo_uploaded_at_intake_is_seen_by_the_manager_approving(desk: Callable[..., Desk], login: Any) -> None:
    agent = desk("agent")
    logged_in = len(agent.errors)  # what logging in reported (a missing favicon) is not this test's
    page = agent.page
    page.click("text=登记投诉")
    page.select_option("#f-channel", "phone")
    page.fill("#f-complainant-name", "王五")
    page.fill("#f-complainant-phone", "13700137000")
    page.fill("#f-description", "牛奶包装破损")
    expect(page.locator("[data-dropzone].scripted")).to_have_count(1)  # the script took over the drop zone
    page.set_input_files(
        "#f-evidence", files=[{"name": "破损包装.png", "mimeType": "image/png", "buffer": png(24, 24, (180, 40, 40))}]
    )
    item = page.locator(".upload-progress .upload-item")
    expect(item).to_have_class(re.compile(r"\bdone\b"))
    expect(item.locator("progress")).to_have_js_property("value", 100)
    assert image_drawn(page, ".upload-progress img.thumb-preview")  # the blob thumbnail
    ticked = page.locator("[data-choices-for=evidence] input:checked")
    expect(ticked).to_have_count(1)
    photo_id = ticked.get_attribute("value")
    assert photo_id and photo_id.isdigit()
    expect(page.locator("#f-evidence")).to_have_js_property("value", "")  # not sent a second time
    screenshot(page, "evidence-intake-form")
    page.click("form.schema-form button[type=submit]")
    expect(page.locator("#instance-status")).to_have_attribute("data-status", "running")
    instance_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    thumb = f"#attachments li[data-attachment-id='{photo_id}'] img"
    expect(page.locator(thumb)).to_have_attribute("src", f"/api/v1/attachments/{photo_id}")
    assert image_drawn(page, thumb)
    expect(page.locator("#attachments")).to_contain_text("破损包装.png")

    # another file from the case page: uploaded with its progress bar, listed after the page reloads
    page.set_input_files(
        "#attachment-files",
        files=[{"name": "receipt.png", "mimeType": "image/png", "buffer": png(16, 16, (20, 20, 200))}],
    )
    expect(page.locator("#attachments li.attachment")).to_have_count(2)
    expect(page.locator("#attachments")).to_contain_text("receipt.png")
    screenshot(page, "evidence-case-page")
    assert agent.errors[logged_in:] == []

    to_manager_approval(login, instance_id, photo_id)
    manager = desk("manager")
    logged_in = len(manager.errors)
    page = manager.open_task(page.locator("h1").inner_text().split()[0], "经理审批")
    expect(page.locator(thumb)).to_be_visible()
    assert image_drawn(page, thumb)
    expect(page.locator("#attachments")).to_contain_text("破损包装.png")
    expect(page.locator("#attachments")).to_contain_text("agent")
    screenshot(page, "evidence-approval-page")
    assert manager.errors[logged_in:] == []


def test_a_refused_file_says_so_next_to_its_name(desk: Callable[..., Desk]) -> None:
    agent = desk("agent", locale="en-US")
    logged_in = len(agent.errors)
    page = agent.page
    page.goto(f"{agent.base}/start/complaint_handling?lang=en")
    page.set_input_files(
        "#f-evidence", files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": b"<html><script>x()</script>"}]
    )
    item = page.locator(".upload-progress .upload-item")
    expect(item).to_have_class(re.compile(r"\bfailed\b"))
    expect(item.locator(".upload-status")).to_contain_text(
        "Only JPEG, PNG, WebP, PDF, MP3, M4A or WAV files are accepted."
    )
    expect(page.locator("[data-choices-for=evidence] input")).to_have_count(0)
    screenshot(page, "evidence-refused-upload")
    # the console reports the 422 as a failed resource load; nothing else went wrong
    assert [e for e in agent.errors[logged_in:] if "422" not in e] == []

"""The console on a 375 x 812 phone screen, in Chinese and in English.

On every main page nothing scrolls sideways (``document.documentElement.scrollWidth <= 375``),
the header folds into a menu that opens on a tap, and the inbox is a list of cards that each
show the due time and the claim button. Long names (Chinese, English, and unbroken words) are
part of the data so that the pages are tried with what breaks layouts. Screenshots of every page
at 375 px in both languages are kept in test-artifacts/ (``phone-<page>-<lang>-<db>.png``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from app.models import Notification
from app.runtime import Runtime
from tests.browser.desk import Desk, screenshot
from tests.diagrams import HEAD, user_task

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
LANGS = ("zh", "en")

LONG_TASK = (
    "核对客户提供的全部购买凭证、照片和视频证据并逐项登记在案 "
    "Check every proof of purchase, photo and video the customer supplied and register each item"
)
LONG_PROCESS = (
    "售后服务质量回访与客户满意度复核流程 "
    "After-sales service quality follow-up and customer-satisfaction re-verification procedure"
)
UNBROKEN = "Batch-B20260101-lot-0042-warranty-claim-re-verification-for-all-related-shipments"
LONG_DESCRIPTION = (
    "购买的纯牛奶有异味 客户要求赔偿并提供了购物小票、照片和视频 还说已经在社交媒体上发了帖子 "
    "要求三天之内给出书面答复 否则将向消费者协会投诉 " + UNBROKEN
)


def long_named_process(key: str) -> bytes:
    """One task of the agents with a long bilingual name and a 24 h deadline (an interrupting boundary timer)."""
    return (
        f'{HEAD}<bpmn:process id="{key}" name="{LONG_PROCESS}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check"/>'
        + user_task("check", LONG_TASK, props={"candidateGroups": "cs_agents"})
        + '<bpmn:boundaryEvent id="late" name="Late" attachedToRef="check" cancelActivity="true">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>PT24H</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end"/><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="end2"/><bpmn:endEvent id="end2"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


@pytest.fixture
def phone_cases(login: Callable[[str], Any], rt: Runtime) -> dict[str, Any]:
    """An inbox of several tasks for the agents (long names, due times), a complaint, notifications."""
    login("analyst").deploy(long_named_process("phone_long_names"))
    agent = login("agent")
    for _ in range(3):
        agent.post("/process-instances", json={"process_key": "phone_long_names", "variables": {}}, expect=201)
    intake = {
        "channel": "phone",
        "complainant": {"name": "欧阳娜娜娜娜 Nana Ouyang-Featherstonehaugh", "phone": "13800138000"},
        "description": LONG_DESCRIPTION,
    }
    complaint = agent.post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": intake}, expect=201
    )
    with rt.sessions() as s:
        for n in range(2):
            s.add(
                Notification(
                    username="agent",
                    instance_id=complaint["id"],
                    kind="reminder",
                    title=f"{LONG_TASK} ({n})",
                    message=LONG_DESCRIPTION,
                    email_status="none",
                )
            )
        s.commit()
    return complaint


def phone_desk(desk: Callable[..., Desk], username: str = "agent") -> Desk:
    return desk(username, **PHONE)


def watch_requests(page: Page) -> list[str]:
    """What the page asks for and does not get, from now on (the browser's own favicon request
    aside: the console's "Failed to load resource" names no URL, so Desk.errors can't tell them apart)."""
    failed: list[str] = []

    def seen(response: Any) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed.append(f"{response.status} {response.url}")

    page.on("response", seen)
    return failed


def assert_ran_cleanly(desk: Desk, failed_requests: list[str]) -> None:
    assert failed_requests == []
    assert [e for e in desk.errors if not e.startswith("Failed to load resource")] == []


def assert_fits(page: Page, name: str) -> None:
    """Nothing on the page reaches past the screen's right edge; keep a screenshot of it."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{name}: the page is {width} px wide on a {PHONE['width']} px screen"
    screenshot(page, f"phone-{name}")


def right_edge(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, f"{selector} is not shown"
    return float(box["x"] + box["width"])


def test_login_page_fits_a_phone(browser: Browser, server_url: str) -> None:
    page = browser.new_context(viewport=PHONE).new_page()
    for lang in LANGS:
        page.goto(f"{server_url}/login?lang={lang}")
        expect(page.locator("#username")).to_be_visible()
        expect(page.locator("summary.menu-toggle")).to_be_hidden()  # nothing to fold before login
        expect(page.locator(".langs")).to_be_visible()
        assert_fits(page, f"login-{lang}")
        assert right_edge(page, "button[type=submit]") <= PHONE["width"]


def test_main_pages_fit_a_phone_in_both_languages(desk: Callable[..., Desk], phone_cases: dict[str, Any]) -> None:
    agent = phone_desk(desk)
    page = agent.page
    failed = watch_requests(page)
    base = agent.base
    for lang in LANGS:
        page.goto(f"{base}/?lang={lang}")
        expect(page.locator("tr[data-task-id]")).to_have_count(4)
        assert_fits(page, f"inbox-{lang}")

        page.locator("tr[data-task-id]", has_text=phone_cases["business_key"]).locator("a.task-link").click()
        expect(page.locator("form.schema-form")).to_be_visible()
        assert_fits(page, f"task-{lang}")

        page.goto(f"{base}/instances/{phone_cases['id']}")
        expect(page.locator("#instance-status")).to_be_visible()
        expect(page.locator("body")).to_contain_text(UNBROKEN)
        assert_fits(page, f"case-{lang}")

        page.goto(f"{base}/instances")
        expect(page.locator("main table")).to_be_visible()
        assert_fits(page, f"instances-{lang}")

        page.goto(f"{base}/notifications")
        expect(page.locator("li.notification")).to_have_count(2)
        assert_fits(page, f"notifications-{lang}")

        page.goto(f"{base}/start/complaint_handling")
        expect(page.locator("form.schema-form")).to_be_visible()
        assert_fits(page, f"register-{lang}")
    assert_ran_cleanly(agent, failed)


def test_header_folds_into_a_menu_that_opens_on_a_tap(desk: Callable[..., Desk], phone_cases: dict[str, Any]) -> None:
    agent = phone_desk(desk)
    page = agent.page
    failed = watch_requests(page)
    for lang, inbox, complaints in (("zh", "待办", "投诉列表"), ("en", "Inbox", "Complaints")):
        page.goto(f"{agent.base}/instances?lang={lang}")
        toggle = page.locator("summary.menu-toggle")
        expect(toggle).to_be_visible()
        expect(toggle.locator(".badge")).to_have_text("2")  # unread notifications show on the folded menu
        nav = page.locator("nav.mainnav a")
        expect(nav.first).to_be_hidden()
        expect(page.locator("#notification-bell")).to_be_hidden()

        toggle.click()
        expect(page.locator("details.menu")).to_have_attribute("open", "")
        expect(page.locator("nav.mainnav a", has_text=inbox)).to_be_visible()
        expect(page.locator("nav.mainnav a", has_text=complaints)).to_be_visible()
        expect(page.locator("#notification-bell")).to_be_visible()
        expect(page.locator(".session button.link")).to_be_visible()  # log out
        for link in nav.all():
            assert right_edge(page, f"nav.mainnav a[href='{link.get_attribute('href')}']") <= PHONE["width"]
        assert_fits(page, f"menu-open-{lang}")

        page.keyboard.press("Escape")  # js/menu.js: Escape folds it again
        expect(nav.first).to_be_hidden()
        toggle.click()
        page.locator("nav.mainnav a", has_text=inbox).click()
        expect(page.locator("tr[data-task-id]").first).to_be_visible()
        expect(page.locator("nav.mainnav a").first).to_be_hidden()  # a new page starts folded
    assert_ran_cleanly(agent, failed)


def test_menu_and_claim_work_without_javascript(browser: Browser, server_url: str, phone_cases: dict[str, Any]) -> None:
    page = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-US").new_page()
    page.goto(f"{server_url}/login?lang=en")
    page.fill("#username", "agent")
    page.fill("#password", "agent")
    page.click("button[type=submit].primary")
    expect(page.locator("nav.mainnav a").first).to_be_hidden()
    page.locator("summary.menu-toggle").click()  # a <details>: opens with no script at all
    expect(page.locator("nav.mainnav a", has_text="Complaints")).to_be_visible()
    page.locator("summary.menu-toggle").click()
    expect(page.locator("nav.mainnav a").first).to_be_hidden()

    card = page.locator("tr[data-task-id]", has_text=LONG_TASK.split(" ", 1)[1]).first
    task_id = card.get_attribute("data-task-id")
    card.locator("td.actions button").click()  # a plain form post
    expect(page.locator("p.flash-success")).to_be_visible()
    page.goto(f"{server_url}/?scope=mine")
    expect(page.locator(f"tr[data-task-id='{task_id}']")).to_be_visible()
    assert_fits(page, "inbox-no-script-en")


def test_inbox_cards_show_due_time_and_claim_button(desk: Callable[..., Desk], phone_cases: dict[str, Any]) -> None:
    agent = phone_desk(desk)
    page = agent.page
    failed = watch_requests(page)
    for lang, due_label, claim in (("zh", "期限", "认领"), ("en", "Due", "Claim")):
        page.goto(f"{agent.base}/?scope=group&lang={lang}")
        expect(page.locator("table.list thead")).to_be_hidden()
        cards = page.locator("tr[data-task-id]", has_text=LONG_TASK.split(" ", 1)[0 if lang == "zh" else 1])
        expect(cards).to_have_count(3)
        for card in cards.all():
            due = card.locator("td.due")
            expect(due).to_be_visible()
            expect(due.locator(".remaining")).to_be_visible()
            label = due.evaluate("td => getComputedStyle(td, '::before').content")
            assert label == f'"{due_label}"'
            button = card.locator("td.actions button", has_text=claim)
            expect(button).to_be_visible()
            box = button.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            card_box = card.bounding_box()
            assert card_box is not None and card_box["width"] <= PHONE["width"]
        assert_fits(page, f"inbox-cards-{lang}")

    # the claim button on a card works as on the wide table
    first = page.locator("tr[data-task-id]", has_text=LONG_TASK.split(" ", 1)[1]).first
    task_id = first.get_attribute("data-task-id")
    first.locator("td.actions button").click()
    expect(page.locator("p.flash-success")).to_be_visible()
    page.goto(f"{agent.base}/?scope=mine")
    expect(page.locator(f"tr[data-task-id='{task_id}']")).to_be_visible()
    assert_ran_cleanly(agent, failed)


@pytest.mark.parametrize("width", [1280, 960])
def test_wider_screens_keep_the_header_unfolded(
    desk: Callable[..., Desk], phone_cases: dict[str, Any], width: int
) -> None:
    agent = desk("agent", width=width, height=900)
    page = agent.page
    failed = watch_requests(page)
    for lang in LANGS:
        page.goto(f"{agent.base}/?lang={lang}")
        expect(page.locator("summary.menu-toggle")).to_be_hidden()
        for link in page.locator("nav.mainnav a").all():
            expect(link).to_be_visible()
        expect(page.locator("#notification-bell")).to_be_visible()
        expect(page.locator("table.list thead")).to_be_visible()  # the inbox is a table again
        width_used = page.evaluate("document.documentElement.scrollWidth")
        assert width_used <= width, f"{width} px screen: the page is {width_used} px wide"
        screenshot(page, f"inbox-{width}px-{lang}")
    assert_ran_cleanly(agent, failed)

"""A complaint carried from registration to archive in headless Chromium, by clicking and typing.

Path (docs/complaint_handling.md, "manager approval"): agent registers and confirms, supervisor
classifies, quality investigates and proposes 300 yuan, manager approves, agent records the
customer's agreement, quality implements, agent visits, supervisor closes and archives.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect
from sqlalchemy import delete

from app.clock import utcnow
from app.models import Notification
from app.runtime import Runtime
from tests.browser.desk import Desk, artifact
from tests.evidence import png

pytestmark = pytest.mark.browser

SCREENSHOT = artifact("complaint-task-page")


def test_complaint_from_registration_to_archive(browser: Browser, server_url: str) -> None:
    today = utcnow().date().isoformat()
    SCREENSHOT.unlink(missing_ok=True)  # the check at the end is about this run's screenshot
    desks: dict[str, Desk] = {}

    def desk(username: str) -> Desk:
        if username not in desks:
            desks[username] = Desk(browser, server_url, username)
        return desks[username]

    # agent registers the complaint
    agent = desk("agent")
    page = agent.page
    expect(page.locator(".demo-banner")).to_be_visible()
    page.click("text=登记投诉")
    expect(page.locator("h1")).to_have_text("客户投诉登记表")
    page.select_option("#f-channel", "phone")
    page.fill("#f-complainant-name", "张三")
    page.fill("#f-complainant-phone", "13800138000")
    page.fill("#f-description", "购买的纯牛奶有异味 要求赔偿")
    page.fill("#f-product-name", "纯牛奶 250ml")
    page.fill("#f-product-batch_number", "B20260101")
    page.fill("#f-product-quantity", "2")
    page.select_option("#f-customer_request", "compensation")
    page.fill("#f-claim_amount", "300")
    page.click("form.schema-form button[type=submit]")
    expect(page.locator("#instance-status")).to_have_attribute("data-status", "running")
    business_key = page.locator("h1").inner_text().split()[0]
    assert business_key.startswith("TS")
    instance_url = page.url

    # agent confirms the record; a first try without the tick box is refused next to the field
    page = agent.open_task(business_key, "确认登记")
    expect(page.locator(".instructions")).to_contain_text("与客户核对登记内容")
    expect(page.locator(".facts")).to_contain_text("张三 13800138000")
    page.check("input[name=acceptance_decision][value=accepted]")
    page.fill("#f-promised_reply_hours", "24")
    page.click("form.schema-form button[type=submit]")
    expect(page.locator("[data-field=record_confirmed] .field-error")).to_have_text("必须勾选此项。")
    expect(page.locator("#f-promised_reply_hours")).to_have_value("24")
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    page.check("#f-record_confirmed")
    agent.submit()

    # supervisor classifies: product quality goes to the quality department
    supervisor = desk("supervisor")
    page = supervisor.open_task(business_key, "投诉分类")
    page.select_option("#f-subject", "product_quality")
    page.check("input[name=severity_grade][value=general]")
    supervisor.submit()

    # quality acknowledges the hand-over (rule 2.4), claims, investigates with evidence photos,
    # then proposes 300 yuan compensation
    quality = desk("quality")
    page = quality.open_task(business_key, "确认接收")
    page.check("#f-handover_acknowledged")
    quality.submit()
    page = quality.open_task(business_key, "调查核实")
    page.click("form.inline button:has-text('认领')")
    expect(page.locator(".page-head p.muted")).to_contain_text("quality")
    page.fill("#f-root_cause", "封口不严导致变质")
    photos = [{"name": f"photo-{n}.png", "mimeType": "image/png", "buffer": png(rgb=(n, 90, 90))} for n in (1, 2)]
    page.set_input_files("#f-evidence_photos", files=photos)  # uploaded at once, then ticked in the field
    expect(page.locator("[data-choices-for=evidence_photos] input:checked")).to_have_count(2)
    page.select_option("#f-responsibility", "company")
    quality.submit()
    page = quality.open_task(business_key, "提出处理方案")
    page.select_option("#f-solution_type", "compensation")
    page.fill("#f-solution_description", "赔偿 300 元并致歉")
    page.fill("#f-compensation_amount", "300")
    quality.submit()

    # up to 500 yuan: the manager approves
    manager = desk("manager")
    page = manager.open_task(business_key, "经理审批")
    page.check("input[name=approval_decision][value=approved]")
    page.fill("#f-approval_comment", "同意")
    manager.submit()

    # the customer agrees; quality carries it out; the agent's follow-up finds them satisfied
    page = agent.open_task(business_key, "客户确认方案")
    page.check("input[name=customer_response][value=agreed]")
    agent.submit()
    page = quality.open_task(business_key, "实施方案")
    page.fill("#f-implemented_on", today)
    page.fill("#f-implementation_note", "已赔付 300 元")
    page.fill("#f-amount_paid", "300")
    quality.submit()
    page = agent.open_task(business_key, "回访")
    page.fill("#f-visited_on", today)
    page.fill("#f-satisfaction", "5")
    page.check("#f-satisfied")
    agent.submit()

    # the supervisor closes and archives
    page = supervisor.open_task(business_key, "结案归档")
    page.fill("#f-corrective_action", "更换封口设备")
    page.fill("#f-preventive_action", "加强出厂抽检")
    page.check("#f-records_archived")
    supervisor.submit()

    page.goto(instance_url)
    expect(page.locator("#instance-status")).to_have_attribute("data-status", "completed")
    expect(page.locator("#instance-status")).to_have_text("已完成")
    history = page.locator("table.history tbody tr")
    expect(history.first).to_have_attribute("data-type", "instance_started")
    expect(history.last).to_have_attribute("data-type", "instance_completed")
    completed = page.locator("table.history tr[data-type=task_completed]")
    expect(completed).to_have_count(10)  # the hand-over acknowledgement included
    expect(page.locator("table.history")).to_contain_text("manager")
    expect(page.locator("section.card > dl.variables")).to_contain_text("已解决")
    assert SCREENSHOT.is_file() and SCREENSHOT.stat().st_size > 10_000


@pytest.fixture
def no_notifications(rt: Runtime) -> Iterator[None]:
    with rt.sessions() as s:
        s.execute(delete(Notification))
        s.commit()
    yield
    with rt.sessions() as s:
        s.execute(delete(Notification))
        s.commit()


@pytest.mark.usefixtures("no_notifications")
def test_repeat_contact_raises_severity_and_notifies_the_manager(browser: Browser, server_url: str) -> None:
    manager = Desk(browser, server_url, "manager")
    expect(manager.page.locator("#notification-bell")).to_have_attribute("data-unread", "0")

    agent = Desk(browser, server_url, "agent")
    page = agent.page
    page.click("text=登记投诉")
    page.select_option("#f-channel", "phone")
    page.fill("#f-complainant-name", "李四")
    page.fill("#f-complainant-phone", "13900139000")
    page.fill("#f-description", "酸奶胀袋")
    page.click("form.schema-form button[type=submit]")
    expect(page.locator("#severity-level")).to_have_attribute("data-level", "E")
    expect(page.locator("#contact-count")).to_have_text("1")
    page.select_option("#rc-channel", "phone")
    page.fill("#rc-note", "客户再次来电催促处理")
    page.click("form.repeat-contact button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("严重等级已升至 D 级")
    expect(page.locator("#severity-level")).to_have_attribute("data-level", "D")
    expect(page.locator("#severity-level")).to_have_text("D 级")
    expect(page.locator("#contact-count")).to_have_text("2")
    expect(page.locator("table.history tr[data-type=severity_escalated]")).to_contain_text("E → D")

    page = manager.page
    page.reload()
    expect(page.locator("#unread-count")).to_have_text("1")
    page.click("#notification-bell")
    item = page.locator("li.notification.kind-escalation.unread")
    expect(item).to_contain_text("客户第 2 次来电")
    item.locator("form.mark-read button").click()
    expect(page.locator("#notification-bell")).to_have_attribute("data-unread", "0")
    expect(page.locator("li.notification.kind-escalation.read")).to_have_count(1)

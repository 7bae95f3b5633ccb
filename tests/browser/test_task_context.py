"""Issue 7 §3 in Chromium: the manager's approval page shows what is being approved (the proposal
and its amount) and the investigation's finding, labelled in Chinese, newest first; when the
manager rejects, the rework shows the approver's comment. The case is driven to the approval
through the API; the pages are read as the browser shows them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.browser.desk import Desk, screenshot
from tests.complaint_steps import Complaint

pytestmark = pytest.mark.browser


def test_manager_approval_shows_the_proposal_and_the_rework_the_comment(login, desk: Callable[..., Desk]) -> None:
    case = Complaint(login).start()
    case.to("Task_ApproveByManager")
    business_key = login("admin").get(f"/process-instances/{case.id}", expect=200)["business_key"]

    missing: list[str] = []  # Chromium asks for /favicon.ico, which the product does not serve
    manager = desk("manager")
    manager.page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page = manager.open_task(business_key, "经理审批")
    context = page.locator("#decision-context")
    expect(context.locator("h2")).to_have_text("案件经过")
    steps = context.locator("li.context-step")
    expect(steps).to_have_count(4)
    expect(steps.nth(0)).to_have_attribute("data-form", "propose_solution")  # newest first
    expect(steps.nth(3)).to_have_attribute("data-form", "confirm_record")
    proposal = context.locator("li.context-step.focus[data-form=propose_solution]")
    expect(proposal.locator("h3")).to_contain_text("提出处理方案")
    expect(proposal.locator(".focus-badge")).to_have_text("本环节依据")
    expect(proposal.locator("dl > div", has_text="处理方式").locator("dd")).to_have_text("赔偿")
    expect(proposal.locator("dl > div", has_text="赔付金额(元)").locator("dd")).to_have_text("300 元")
    expect(proposal.locator("dl > div", has_text="方案说明").locator("dd")).to_have_text("赔偿300元并道歉")
    finding = context.locator("li.context-step.focus[data-form=investigate]")
    expect(finding.locator("dl > div", has_text="原因分析").locator("dd")).to_have_text("值班客服未按规范答复")
    expect(finding.locator("dl > div", has_text="责任归属").locator("dd")).to_have_text("公司")
    expect(context.locator("li.context-step[data-form=classify_complaint]")).not_to_have_class("context-step focus")
    expect(page.locator("#task-deadline")).to_contain_text("超过处理时限")
    expect(page.locator("#task-deadline .remaining")).to_contain_text("剩余")
    screenshot(page, "task-context-manager-approval")

    # the manager rejects on the page; the proposal's rework shows why
    page.check("input[name=approval_decision][value=rejected]")
    page.fill("#f-approval_comment", "金额过高请重新评估")
    manager.submit()
    supervisor = desk("supervisor")
    supervisor.page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page = supervisor.open_task(business_key, "提出处理方案")
    approval = page.locator("#decision-context li.context-step.focus[data-form=approve_solution]")
    expect(approval.locator("dl > div", has_text="审批结果").locator("dd")).to_have_text("驳回")
    expect(approval.locator("dl > div", has_text="审批意见").locator("dd")).to_have_text("金额过高请重新评估")
    expect(approval.locator(".step-meta")).to_contain_text("经理")
    # the rework starts from what was proposed
    expect(page.locator("#f-solution_description")).to_have_value("赔偿300元并道歉")
    screenshot(page, "task-context-rework")
    assert [e for e in manager.errors + supervisor.errors if "404" not in e] == []
    assert all(url.endswith("/favicon.ico") for url in missing), missing

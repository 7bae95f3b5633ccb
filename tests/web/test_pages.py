"""The browser pages through the Flask test client: login, inbox, forms, errors, admin actions."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from app.models import ProcessInstance, TaskRecord
from app.runtime import Runtime
from tests.evidence import upload_photo


def ready_task(rt: Runtime, instance_id: int) -> TaskRecord:
    with rt.sessions() as s:
        rows = list(
            s.scalars(select(TaskRecord).where(TaskRecord.instance_id == instance_id, TaskRecord.state == "ready"))
        )
    assert len(rows) == 1, [r.element_id for r in rows]
    return rows[0]


def instance_status(rt: Runtime, instance_id: int) -> str:
    with rt.sessions() as s:
        model = s.get(ProcessInstance, instance_id)
        assert model is not None
        return model.status


def field_error(page: str, name: str) -> str:
    """The error message shown inside the field block of ``name``."""
    block = re.search(rf'data-field="{re.escape(name)}"(.*?)(?=data-field=|</form>)', page, re.S)
    assert block, f"no field {name}"
    found = re.search(r'class="field-error"[^>]*>([^<]*)<', block.group(1))
    return html.unescape(found.group(1)) if found else ""


# --- login -----------------------------------------------------------------------------------
def test_anonymous_visitor_is_sent_to_login(client):
    r = client.get("/instances")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=/instances")


def test_login_page_warns_about_demo_users_and_defaults_to_chinese(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page
    assert "演示账号" in page and "demo-banner" in page
    assert "用户名" in page


def test_login_logout_round_trip(web_login):
    agent = web_login("agent")
    page = agent.text("/")
    assert "王客服" in page and "待办" in page
    r = agent.post("/logout", expect=302)
    assert r.headers["Location"] == "/login"
    assert agent.get("/", expect=302).headers["Location"].startswith("/login")


def test_wrong_password_is_refused(client, web_login):
    page = client.get("/login?lang=en").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": "agent", "password": "nope", "csrf_token": token})
    assert r.status_code == 401
    assert "Wrong username or password." in r.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_goes_back_to_the_page_asked_for_but_never_off_site(app):
    for target, expected in (("/instances", "/instances"), ("https://evil.example/", "/"), ("//evil", "/")):
        client = app.test_client()
        page = client.get(f"/login?next={target}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = client.post("/login", data={"username": "agent", "password": "agent", "csrf_token": token, "next": target})
        assert r.headers["Location"] == expected


def test_post_without_csrf_token_is_refused(app, web_login):
    agent = web_login("agent")
    r = agent.client.post("/start/complaint_handling", data={"channel": "phone"})
    assert r.status_code == 400
    assert "表单已过期" in r.get_data(as_text=True)
    r = agent.client.post("/logout", data={"csrf_token": "forged"})
    assert r.status_code == 400
    assert agent.get("/", expect=200)  # still logged in


def test_language_switch_is_remembered(web_login):
    agent = web_login("agent")
    assert "Inbox" in agent.text("/?lang=en")
    assert "Inbox" in agent.text("/instances")
    assert "待办" in agent.text("/?lang=zh")


# --- inbox -----------------------------------------------------------------------------------
def test_inbox_lists_only_the_users_tasks_with_registration_number(rt, web_login, register_complaint):
    instance_id = register_complaint()
    task = ready_task(rt, instance_id)
    with rt.sessions() as s:
        business_key = s.get(ProcessInstance, instance_id).business_key
    agent = web_login("agent")
    page = agent.text("/")
    assert business_key in page and f"/tasks/{task.id}" in page and "确认登记" in page
    assert "客服专员" in page  # candidate group, translated
    assert f"/tasks/{task.id}" in agent.text("/?scope=mine")
    # the task is assigned to its registering agent: not in a colleague's or another group's inbox
    assert f"/tasks/{task.id}" not in web_login("agent2").text("/")
    assert f"/tasks/{task.id}" not in web_login("quality").text("/?scope=all")
    assert f"/tasks/{task.id}" in web_login("admin").text("/?scope=all")


def test_claim_and_unclaim_from_the_inbox(rt, web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent")
    confirm = ready_task(rt, instance_id)
    agent.post(
        f"/tasks/{confirm.id}",
        {"record_confirmed": "on", "acceptance_decision": "accepted", "promised_reply_hours": "24"},
        expect=302,
    )
    classify = ready_task(rt, instance_id)
    assert classify.assignee is None
    supervisor = web_login("supervisor", lang="en")
    page = supervisor.text("/")
    assert f"/tasks/{classify.id}/claim" in page
    supervisor.post(f"/tasks/{classify.id}/claim", {"next": "/"}, expect=302)
    assert ready_task(rt, instance_id).assignee == "supervisor"
    assert f"/tasks/{classify.id}/unclaim" in supervisor.text("/?scope=mine")
    # agent2 is in a candidate group but sees it claimed; claiming now is a conflict
    r = web_login("agent2").post(f"/tasks/{classify.id}/claim", expect=409)
    assert "已被其他人认领" in r.get_data(as_text=True)
    supervisor.post(f"/tasks/{classify.id}/unclaim", {"next": "/"}, expect=302)
    assert ready_task(rt, instance_id).assignee is None


# --- forms -----------------------------------------------------------------------------------
def test_start_form_renders_nested_fields_and_labels_in_both_languages(web_login):
    agent = web_login("agent")
    zh = agent.text("/start/complaint_handling")
    assert "客户投诉登记表" in zh and "投诉人" in zh and "<fieldset" in zh
    assert 'name="complainant.name"' in zh and 'name="product.quantity"' in zh
    assert 'type="date"' in zh and 'min="1"' in zh and 'step="1"' in zh
    assert "电话/热线" in zh and "第三方转来" in zh  # enum titles
    assert 'name="media_threat"' in zh and 'type="checkbox"' in zh
    en = agent.text("/start/complaint_handling?lang=en")
    assert "Complaint intake record" in en and "Complainant" in en and "Phone / hotline" in en


def test_task_form_renders_in_zh_and_en_with_instructions_and_facts(rt, web_login, register_complaint):
    instance_id = register_complaint()
    task = ready_task(rt, instance_id)
    agent = web_login("agent")
    zh = agent.text(f"/tasks/{task.id}")
    assert "确认登记并受理" in zh and "客户已确认登记内容" in zh and "是否受理" in zh
    assert 'type="radio"' in zh and "不受理(无效投诉)" in zh
    assert "与客户核对登记内容" in zh  # instructions, Chinese half
    assert "张三" in zh and "13800138000" in zh and "牛奶有异味" in zh  # key facts
    assert 'class="req"' in zh
    en = agent.text(f"/tasks/{task.id}?lang=en")
    assert "Confirm the record and accept" in en and "Accept the complaint?" in en
    assert "Check the record with the customer" in en and "Reject (invalid complaint)" in en


def test_invalid_task_submission_shows_errors_next_to_fields_and_keeps_input(rt, web_login, register_complaint):
    instance_id = register_complaint()
    task = ready_task(rt, instance_id)
    agent = web_login("agent", lang="en")
    r = agent.post(
        f"/tasks/{task.id}",
        {
            "acceptance_decision": "accepted",
            "promised_reply_hours": "soon",
            "record_corrections": "地址改为 北京路 1 号",
        },
        expect=422,
    )
    page = r.get_data(as_text=True)
    assert field_error(page, "record_confirmed") == "This box must be ticked."
    assert field_error(page, "promised_reply_hours") == "Enter a whole number."
    assert field_error(page, "acceptance_decision") == ""
    assert "地址改为 北京路 1 号</textarea>" in page
    assert 'value="soon"' in page
    assert re.search(r'value="accepted" checked', page)
    # the conditional requirement (promised hours when accepted) is checked on the server
    r = agent.post(f"/tasks/{task.id}", {"acceptance_decision": "accepted", "record_confirmed": "on"}, expect=422)
    message = "Required when “Accept the complaint?” is “Accept”."
    assert field_error(r.get_data(as_text=True), "promised_reply_hours") == message
    assert ready_task(rt, instance_id).id == task.id


def test_invalid_start_form_shows_nested_errors_in_chinese(web_login):
    agent = web_login("agent")
    r = agent.post(
        "/start/complaint_handling",
        {"channel": "phone", "complainant.name": "李四", "complainant.phone": "123", "product.batch_number": "B-7"},
        expect=422,
    )
    page = r.get_data(as_text=True)
    assert field_error(page, "complainant.phone") == "格式不正确。"
    assert field_error(page, "description") == "此项为必填项。"
    assert field_error(page, "product.name") == "此项为必填项。"
    assert 'value="李四"' in page and 'value="B-7"' in page


def test_completing_a_task_coerces_types_and_moves_the_complaint_on(rt, web_login, register_complaint):
    instance_id = register_complaint(**{"product.name": "纯牛奶", "product.quantity": "2", "claim_amount": "300"})
    agent = web_login("agent")
    task = ready_task(rt, instance_id)
    r = agent.post(
        f"/tasks/{task.id}",
        {"record_confirmed": "on", "acceptance_decision": "accepted", "promised_reply_hours": "24"},
        expect=302,
    )
    assert r.headers["Location"] == f"/instances/{instance_id}"
    with rt.sessions() as s:
        variables = s.get(ProcessInstance, instance_id).variables
    # the unticked "chilled product" box of the product (rule 3.7) is recorded as not chilled
    assert variables["product"] == {"name": "纯牛奶", "quantity": 2, "chilled": False}
    assert variables["claim_amount"] == 300
    assert variables["record_confirmed"] is True and variables["promised_reply_hours"] == 24
    assert "record_corrections" not in variables or variables["record_corrections"] is None
    assert ready_task(rt, instance_id).element_id == "Task_ClassifyComplaint"
    # the old task is gone: posting it again is a clear 409
    r = agent.post(
        f"/tasks/{task.id}",
        {"record_confirmed": "on", "acceptance_decision": "accepted", "promised_reply_hours": "24"},
        expect=409,
    )
    assert "此任务已不再处于待办状态" in r.get_data(as_text=True)


def test_another_groups_task_page_is_forbidden(rt, web_login, register_complaint):
    task = ready_task(rt, register_complaint())
    quality = web_login("quality", lang="en")
    r = quality.get(f"/tasks/{task.id}", expect=403)
    assert "belongs to another group" in r.get_data(as_text=True)
    quality.post(f"/tasks/{task.id}", {"record_confirmed": "on"}, expect=403)
    assert web_login("agent").get("/tasks/no-such-task", expect=404)


def test_evidence_photos_are_attachments_ticked_on_the_form(rt, web_login, register_complaint, login):
    instance_id = register_complaint()
    agent = web_login("agent")
    agent.post(
        f"/tasks/{ready_task(rt, instance_id).id}",
        {"record_confirmed": "on", "acceptance_decision": "accepted", "promised_reply_hours": "24"},
        expect=302,
    )
    agent.post(
        f"/tasks/{ready_task(rt, instance_id).id}",
        {"subject": "product_quality", "severity_grade": "general"},
        expect=302,
    )
    quality = web_login("quality")
    quality.post(f"/tasks/{ready_task(rt, instance_id).id}", {"handover_acknowledged": "on"}, expect=302)  # rule 2.4
    investigate = ready_task(rt, instance_id)
    page = quality.text(f"/tasks/{investigate.id}")
    assert "产品质量" in page and 'type="hidden" name="subject" value="product_quality"' in page  # read-only
    form = {"subject": "product_quality", "root_cause": "封口不严", "responsibility": "company"}
    r = quality.post(f"/tasks/{investigate.id}", form, expect=422)
    assert field_error(r.get_data(as_text=True), "evidence_photos") == "当“投诉类别”为“产品质量”时必填。"
    first, second = (upload_photo(login("quality"), instance_id, name) for name in ("a.png", "b.png"))
    page = quality.text(f"/tasks/{investigate.id}")  # the case's files are offered as boxes to tick
    assert f'name="evidence_photos" value="{first}"' in page and f'value="{second}"' in page
    quality.post(f"/tasks/{investigate.id}", {**form, "evidence_photos": [first, second]}, expect=302)
    with rt.sessions() as s:
        variables = s.get(ProcessInstance, instance_id).variables
    assert variables["evidence_photos"] == [first, second]
    assert variables["lab_judgement_needed"] is False


# --- instances -------------------------------------------------------------------------------
def test_instance_page_shows_status_facts_tasks_and_history(rt, web_login, register_complaint):
    instance_id = register_complaint()
    page = web_login("agent").text(f"/instances/{instance_id}")
    assert 'data-status="running"' in page and "运行中" in page
    assert "客户投诉处理" in page and "v1" in page
    assert "牛奶有异味" in page and "确认登记" in page
    assert 'data-type="instance_started"' in page and 'data-type="task_created"' in page
    assert "原始数据" in page  # collapsible raw JSON
    assert "/suspend" not in page  # not an admin


def test_admin_can_suspend_resume_and_terminate(rt, web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent")
    agent.post(f"/instances/{instance_id}/suspend", expect=403)
    admin = web_login("admin", lang="en")
    page = admin.text(f"/instances/{instance_id}")
    assert f"/instances/{instance_id}/suspend" in page and f"/instances/{instance_id}/resume" not in page
    admin.post(f"/instances/{instance_id}/suspend", expect=302)
    assert instance_status(rt, instance_id) == "suspended"
    page = admin.text(f"/instances/{instance_id}")
    assert "Suspended" in page and f"/instances/{instance_id}/resume" in page
    # a suspended complaint's task cannot be completed
    task = ready_task(rt, instance_id)
    r = agent.post(f"/tasks/{task.id}", {"record_confirmed": "on", "acceptance_decision": "rejected"}, expect=409)
    assert "已暂停" in r.get_data(as_text=True)
    admin.post(f"/instances/{instance_id}/resume", expect=302)
    assert instance_status(rt, instance_id) == "running"
    admin.post(f"/instances/{instance_id}/terminate", {"reason": "test", "confirm": "yes"}, expect=302)
    assert instance_status(rt, instance_id) == "terminated"
    assert 'data-type="instance_terminated"' in admin.text(f"/instances/{instance_id}")
    r = admin.post(f"/instances/{instance_id}/resume", expect=409)
    assert "not possible" in r.get_data(as_text=True)
    admin.post(f"/instances/{instance_id}/explode", expect=404)


def test_instances_list_filters_and_pages(rt, web_login, register_complaint):
    ids = [register_complaint(description=f"问题 {n}") for n in range(22)]
    with rt.sessions() as s:
        keys = {i: s.get(ProcessInstance, i).business_key for i in ids}
    agent = web_login("agent")
    first = agent.text("/instances?process_key=complaint_handling")
    assert "(22)" in first and keys[ids[-1]] in first and keys[ids[0]] not in first
    assert "第 1 / 2 页" in first
    second = agent.text("/instances?process_key=complaint_handling&page=2")
    assert keys[ids[0]] in second and keys[ids[-1]] not in second
    one = agent.text(f"/instances?business_key={keys[ids[3]]}")
    assert "(1)" in one and keys[ids[3]] in one
    assert "(0)" in agent.text("/instances?status=completed")
    assert "(22)" in agent.text("/instances?status=running&page=abc")


def test_error_pages_use_the_layout(web_login):
    agent = web_login("agent", lang="en")
    page = agent.text("/instances/999999", expect=404)
    assert "<header" in page and "Not found" in page and "There is no such complaint" in page

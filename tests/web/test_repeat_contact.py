"""The "customer contacted us again" form on the complaint page: count, severity, errors, access."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.models import AuditEntry, ProcessInstance


def variables(rt, instance_id: int) -> dict:
    with rt.sessions() as s:
        return dict(s.get(ProcessInstance, instance_id).variables)


def flash(page: str) -> str:
    return " ".join(re.findall(r'<p class="flash flash-\w+" role="status">([^<]*)</p>', page))


def test_repeat_contact_raises_severity_e_to_d_and_notifies_the_manager(rt, web_login, register_complaint):
    instance_id = register_complaint()
    agent2 = web_login("agent2")  # customer service: may record contacts for any complaint
    page = agent2.text(f"/instances/{instance_id}")
    assert 'id="severity-level" data-level="E"' in page and "E 级" in page
    assert 'id="contact-count" data-count="1"' in page
    assert f'action="/instances/{instance_id}/repeat-contact"' in page and "客户再次来电" in page
    assert '<option value="phone" selected>电话/热线</option>' in page
    form = {"channel": "email", "note": "又来邮件催促"}
    r = agent2.post(f"/instances/{instance_id}/repeat-contact", form, expect=302)
    assert r.headers["Location"] == f"/instances/{instance_id}"
    page = agent2.text(f"/instances/{instance_id}")
    assert flash(page) == "已记录客户再次来电：客户已联系 2 次。严重等级已升至 D 级。"  # noqa: RUF001
    assert 'id="severity-level" data-level="D"' in page and 'class="severity sev-D"' in page
    assert 'id="contact-count" data-count="2"' in page
    assert "二次投诉(客户再次来电)" in page  # the reason, translated
    assert "邮件 · agent2: 又来邮件催促" in page  # the contact log
    kinds = "repeat_contact|severity_escalated|notification_sent"
    history = dict(re.findall(rf'data-type="({kinds})">.*?<td class="summary">([^<]*)</td>', page, re.S))
    assert history["repeat_contact"] == "第 2 次联系，邮件：又来邮件催促"  # noqa: RUF001
    assert history["severity_escalated"] == "E → D (二次投诉(客户再次来电))"
    assert "manager" in history["notification_sent"]
    assert ">客户再次来电</td>" in page and ">严重等级升级</td>" in page and ">已发送通知</td>" in page
    assert variables(rt, instance_id)["contact_count"] == 2
    manager = web_login("manager")
    assert '<span class="badge" id="unread-count">1</span>' in manager.text("/")
    # a third contact: level C; the English flash says so
    en = web_login("agent", lang="en")
    en.post(f"/instances/{instance_id}/repeat-contact", {"channel": "phone", "note": ""}, expect=302)
    page = en.text(f"/instances/{instance_id}")
    assert flash(page) == (
        "Repeat contact recorded: the customer has now contacted us 3 times. Severity raised to level C."
    )
    assert 'data-level="C"' in page and "Level C" in page and "Customer contacted us again" in page
    assert '<span class="badge" id="unread-count">2</span>' in manager.text("/")
    # a fourth: counted, no rule raises it further
    en.post(f"/instances/{instance_id}/repeat-contact", {"channel": "walk_in"}, expect=302)
    assert flash(en.text(f"/instances/{instance_id}")) == (
        "Repeat contact recorded: the customer has now contacted us 4 times."
    )


def test_repeat_contact_errors_are_shown_on_the_page(rt, web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent")
    r = agent.post(f"/instances/{instance_id}/repeat-contact", {"channel": "pigeon", "note": "飞鸽传书"}, expect=422)
    page = r.get_data(as_text=True)
    assert 'id="contact-error"' in page and "请选择客户的联系渠道。" in page
    assert ">飞鸽传书</textarea>" in page  # the note is kept
    r = agent.post(f"/instances/{instance_id}/repeat-contact", {"channel": "phone", "note": "x" * 2001}, expect=422)
    assert "备注最多 2000 个字符。" in r.get_data(as_text=True)
    with rt.sessions() as s:
        assert variables(rt, instance_id).get("contacts") is None
        assert not list(s.scalars(select(AuditEntry).where(AuditEntry.type == "repeat_contact")))
    # logistics has nothing to do with it: the complaint page is 403, and so is posting anyway
    logistics = web_login("logistics", lang="en")
    assert "/repeat-contact" not in logistics.text(f"/instances/{instance_id}", expect=403)
    r = logistics.post(f"/instances/{instance_id}/repeat-contact", {"channel": "phone"}, expect=403)
    assert "You are not involved in this complaint" in r.get_data(as_text=True)
    agent.post("/instances/999999/repeat-contact", {"channel": "phone"}, expect=404)
    # a closed complaint takes no more contacts: 409, no form
    web_login("admin").post(f"/instances/{instance_id}/terminate", {"reason": "test", "confirm": "yes"}, expect=302)
    r = agent.post(f"/instances/{instance_id}/repeat-contact", {"channel": "phone"}, expect=409)
    page = r.get_data(as_text=True)
    assert "该投诉当前状态下不能执行此操作。" in page and 'id="contact-error"' in page
    assert 'class="repeat-contact"' not in page
    assert variables(rt, instance_id).get("contacts") is None


def test_processes_other_than_complaints_have_no_contact_form(login, web_login):
    from tests.timers.diagrams import boundary

    login("analyst").deploy(boundary("web_no_contacts", "PT1H", interrupting=True))
    inst = login("agent").post("/process-instances", json={"process_key": "web_no_contacts"}, expect=201)
    agent = web_login("agent")
    page = agent.text(f"/instances/{inst['id']}")
    assert "/repeat-contact" not in page and 'id="severity-level"' not in page
    agent.post(f"/instances/{inst['id']}/repeat-contact", {"channel": "phone"}, expect=404)

"""Due times, pending timers and notifications in the browser pages, on the simulated clock.

Timers come from diagrams deployed by the analyst; the clock moves with
``POST /api/v1/admin/clock`` as admin (never by sleeping).
"""

from __future__ import annotations

import html
import re
import threading
from typing import Any

from sqlalchemy import event, select

from app.models import Notification, ProcessInstance, TaskRecord
from app.runtime import Runtime
from app.web.presenters import local_time
from tests.timers.diagrams import boundary, reminder_and_breach


class Clockwork:
    """Deploy timer diagrams, start them as agent, move the simulated clock as admin."""

    def __init__(self, login: Any) -> None:
        self.admin, self.agent, self.analyst = login("admin"), login("agent"), login("analyst")

    def start(self, key: str, xml: bytes) -> int:
        self.analyst.deploy(xml)
        inst = self.agent.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
        return int(inst["id"])

    def advance(self, seconds: float) -> int:
        return int(self.admin.post("/admin/clock", json={"advance_seconds": seconds}, expect=200)["fired"])


def open_task(rt: Runtime, instance_id: int) -> TaskRecord:
    with rt.sessions() as s:
        [row] = s.scalars(select(TaskRecord).where(TaskRecord.instance_id == instance_id, TaskRecord.state == "ready"))
        return row


def row_of(page: str, task_id: str) -> str:
    found = re.search(rf'<tr data-task-id="{task_id}".*?</tr>', page, re.S)
    assert found, f"no row for task {task_id}"
    return found.group(0)


def due_state(page: str, task_id: str) -> str:
    found = re.search(r'data-due-state="([^"]+)"', row_of(page, task_id))
    assert found
    return found.group(1)


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


# --- inbox: due column -----------------------------------------------------------------------
def test_inbox_due_column_highlights_due_soon_and_overdue_and_sorts_by_due(rt, login, web_login):
    clock = Clockwork(login)
    later = clock.start("web_due_later", boundary("web_due_later", "PT5H", interrupting=True))
    sooner = clock.start("web_due_sooner", boundary("web_due_sooner", "PT3H", interrupting=True))
    later_task, sooner_task = open_task(rt, later), open_task(rt, sooner)
    agent = web_login("agent", lang="en")
    page = agent.text("/")
    assert local_time(later_task.due_at) in row_of(page, later_task.id)
    assert (due_state(page, later_task.id), due_state(page, sooner_task.id)) == ("later", "later")
    assert "5 h 0 min left" in text_of(row_of(page, later_task.id))
    assert page.index(later_task.id) < page.index(sooner_task.id)  # by creation
    by_due = agent.text("/?sort=due")
    assert by_due.index(sooner_task.id) < by_due.index(later_task.id)
    assert 'href="/?scope=mine&amp;sort=due"' in by_due  # the tabs keep the order

    clock.advance(90 * 60)  # 1 h 30 min before the sooner task's deadline
    page = agent.text("/")
    assert (due_state(page, later_task.id), due_state(page, sooner_task.id)) == ("later", "soon")
    sooner_row = text_of(row_of(page, sooner_task.id))
    assert "Due soon" in sooner_row and "1 h 30 min left" in sooner_row
    assert 'class="row-soon"' in row_of(page, sooner_task.id)

    # suspended: the deadline passes without the timer firing, the task stays open and overdue
    clock.admin.post(f"/process-instances/{sooner}/suspend", expect=200)
    assert clock.advance(2 * 3600) == 0
    page = web_login("agent").text("/?sort=due")
    assert (due_state(page, later_task.id), due_state(page, sooner_task.id)) == ("soon", "overdue")
    overdue = text_of(row_of(page, sooner_task.id))
    assert "已超期" in overdue and "已超期 30 分" in overdue
    assert "剩余 1 小时 30 分" in text_of(row_of(page, later_task.id))
    assert page.index(sooner_task.id) < page.index(later_task.id)


# --- instance page: pending timers and fired ones in the history --------------------------------
def test_instance_page_shows_time_left_on_the_simulated_clock(rt, login, web_login):
    clock = Clockwork(login)
    instance_id = clock.start("web_timers", reminder_and_breach("web_timers"))
    clock.advance(40 * 60)
    agent = web_login("agent")
    page = agent.text(f"/instances/{instance_id}")
    timers = re.findall(r'<li class="timer[^"]*" data-element="(\w+)".*?</li>', page, re.S)
    assert timers == ["reminder", "breach"]  # soonest first
    listed = text_of(re.search(r'<ul class="plain timers">.*?</ul>', page, re.S).group(0))
    assert "剩余 17 小时 20 分" in listed and "剩余 23 小时 20 分" in listed
    assert "提醒" in listed and "期限(到期中断任务)" in listed
    en = agent.text(f"/instances/{instance_id}?lang=en")
    assert "17 h 20 min left" in en and "23 h 20 min left" in en and "Deadline (ends the task)" in en

    assert clock.advance(17 * 3600 + 30 * 60) == 1  # the reminder fires; the breach is 5 h 50 min away
    page = agent.text(f"/instances/{instance_id}?lang=zh")
    assert 'data-element="reminder"' not in page and 'data-element="breach"' in page
    assert "剩余 5 小时 50 分" in page
    fired = re.search(r'<tr class="event-timer_fired".*?</tr>', page, re.S).group(0)
    assert "定时器触发" in fired and "Reminder" in fired
    assert clock.advance(4 * 3600) == 0
    page = agent.text(f"/instances/{instance_id}?lang=en")
    assert re.search(r'data-element="breach" data-due-state="soon"', page)
    assert "1 h 50 min left" in page and "Timer fired" in page


# --- notifications ---------------------------------------------------------------------------
def _add_notifications(rt: Runtime, username: str, instance_id: int) -> list[int]:
    with rt.sessions() as s:
        rows = [
            Notification(username=username, instance_id=instance_id, kind="reminder", title="回复提醒 Reply due"),
            Notification(username=username, instance_id=None, kind="info", title="系统维护", message="今晚 22:00"),
            Notification(username="pr", instance_id=instance_id, kind="info", title="not for the manager"),
        ]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows]


def test_bell_list_mark_read_and_mark_all_read(rt, web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent")
    agent.post(f"/instances/{instance_id}/repeat-contact", {"channel": "phone", "note": "又打来了"}, expect=302)
    reminder_id, info_id, others_id = _add_notifications(rt, "manager", instance_id)
    with rt.sessions() as s:
        business_key = s.get(ProcessInstance, instance_id).business_key
    manager = web_login("manager")
    inbox = manager.text("/")
    assert 'data-unread="3"' in inbox and '<span class="badge" id="unread-count">3</span>' in inbox
    page = manager.text("/notifications")
    items = re.findall(r'<li class="notification kind-(\w+) (\w+)" data-id="(\d+)"', page)
    assert [kind for kind, _, _ in items] == ["info", "reminder", "escalation"]  # newest first
    assert {state for _, state, _ in items} == {"unread"}
    assert str(others_id) not in [i for _, _, i in items]
    assert "升级" in page and "提醒" in page and "信息" in page
    assert f'href="/instances/{instance_id}"' in page and business_key in page
    assert "客户第 2 次来电" in page and "The customer contacted" not in page  # the message in Chinese
    en = manager.text("/notifications?lang=en")
    assert "Escalation" in en and "The customer contacted us 2 times" in en
    manager.text("/notifications?lang=zh")

    manager.post(f"/notifications/{reminder_id}/read", {"next": "/notifications?unread=1"}, expect=302)
    page = manager.text("/notifications?unread=1")
    assert 'data-unread="2"' in page and f'data-id="{reminder_id}"' not in page
    page = manager.text("/notifications")
    assert re.search(rf'class="notification kind-reminder read" data-id="{reminder_id}"', page)
    manager.post(f"/notifications/{others_id}/read", expect=404)  # someone else's
    r = manager.post("/notifications/read-all", expect=302)
    assert r.headers["Location"] == "/notifications"
    page = manager.text("/notifications")
    assert "已将 2 条通知标为已读。" in page and 'data-unread="0"' in page and 'id="unread-count"' not in page
    assert 'id="read-all"' not in page and info_id
    assert "暂无通知。" in manager.text("/notifications?unread=1")


def test_header_counts_notifications_with_one_query_per_page(rt, web_login, register_complaint):
    _add_notifications(rt, "agent", register_complaint())
    agent = web_login("agent")
    statements: list[str] = []
    me = threading.get_ident()

    def seen(_conn, _cursor, statement, *_args):
        if threading.get_ident() == me and "notifications" in statement:
            statements.append(statement)

    event.listen(rt.db, "before_cursor_execute", seen)
    try:
        for path in ("/", "/instances", "/start", "/notifications"):
            statements.clear()
            page = agent.text(path)
            assert 'data-unread="2"' in page
            counts = [s for s in statements if "count(" in s.lower()]
            assert len(counts) == 1, (path, statements)
            assert len(statements) == (2 if path == "/notifications" else 1), (path, statements)
    finally:
        event.remove(rt.db, "before_cursor_execute", seen)


def test_new_posts_need_the_csrf_token(rt, web_login, register_complaint):
    instance_id = register_complaint()
    reminder_id = _add_notifications(rt, "agent", instance_id)[0]
    agent = web_login("agent")
    paths = (
        f"/instances/{instance_id}/repeat-contact",
        f"/notifications/{reminder_id}/read",
        "/notifications/read-all",
    )
    for path in paths:
        r = agent.client.post(path, data={"channel": "phone"})
        assert r.status_code == 400, path
        assert "表单已过期" in r.get_data(as_text=True)
    assert 'data-unread="2"' in agent.text("/")
    with rt.sessions() as s:
        assert s.get(ProcessInstance, instance_id).variables.get("contacts") is None

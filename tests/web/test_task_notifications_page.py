"""A task reaching someone's group shows in their bell and on the notifications page: title in
the reader's language, a link to the task, the time relative and absolute."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.models import TaskRecord


def test_a_task_reaching_the_group_is_in_the_bell_with_a_link_and_a_formatted_time(
    rt, login, web_login, register_complaint
):
    instance_id = register_complaint()  # registered by agent, who confirms it: classification goes to the agents
    agent = login("agent")
    [confirm] = agent.get(f"/tasks?instance_id={instance_id}", expect=200)
    done = {"record_confirmed": True, "acceptance_decision": "accepted", "promised_reply_hours": 24}
    agent.post(f"/tasks/{confirm['id']}/complete", json={"data": done}, expect=200)
    with rt.sessions() as s:
        task_id = s.scalar(
            select(TaskRecord.id).where(TaskRecord.instance_id == instance_id, TaskRecord.state == "ready")
        )
    colleague = web_login("agent2")
    inbox = colleague.text("/")
    assert 'data-unread="1"' in inbox
    page = colleague.text("/notifications")
    [item] = re.findall(
        r'<li class="notification kind-task unread" data-id="\d+" data-kind="task">(.*?)</li>', page, re.S
    )
    assert f'href="/tasks/{task_id}"' in item and "打开任务" in item
    assert "新任务“投诉分类”" in item  # the task's Chinese name, in a Chinese sentence
    assert re.search(r'<time class="nowrap when" datetime="[^"]+" title="\d{4}-\d\d-\d\d \d\d:\d\d">刚刚</time>', item)
    en = colleague.text("/notifications?lang=en")
    assert "New task “Classify complaint”" in en and ">just now</time>" in en and "新任务" not in en
    assert 'data-unread="0"' in web_login("agent").text("/")  # who registered it is not told

"""A notification when a task reaches a person or one of their groups (kind "task"), written in
the step's transaction, in the reader's language, linking to the task."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Notification, TaskRecord
from app.services import notifications
from tests.diagrams import HEAD, two_step, user_task


def _told(rt, task_element: str | None = None) -> list[tuple[str, str | None]]:
    with rt.sessions() as s:
        stmt = select(Notification.username, Notification.code).where(Notification.kind == "task")
        if task_element:
            stmt = stmt.where(Notification.element_id == task_element)
        return sorted(s.execute(stmt).tuples())


def test_a_ready_task_notifies_its_groups_members_but_not_who_completed_the_step_before(login, rt):
    login("analyst").deploy(two_step("tn_two", lane="cs_agents", second_lane="cs_agents"))
    agent, agent2 = login("agent"), login("agent2")
    inst = agent.post("/process-instances", json={"process_key": "tn_two"}, expect=201)
    assert _told(rt, "first") == [("agent2", "task_ready")]  # agent started it: not told
    [first] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent2.post(f"/tasks/{first['id']}/complete", json={"data": {}}, expect=200)
    assert _told(rt, "second") == [("agent", "task_ready")]  # agent2 completed the step before
    [second] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    [n] = agent.get("/notifications", expect=200)["items"]
    assert (n["kind"], n["code"], n["task_id"], n["instance_id"], n["element_id"]) == (
        "task",
        "task_ready",
        second["id"],
        inst["id"],
        "second",
    )
    assert n["params"] == {"task": "Second step", "business_key": inst["business_key"]}
    assert "New task" in n["title"] and "新任务" in n["title"]  # the stored (e-mail) title has both languages


def test_a_task_with_an_assignee_notifies_only_the_assignee(login, rt):
    xml = (
        f'{HEAD}<bpmn:process id="tn_assignee" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fix"/>'
        + user_task("fix", "修复 Fix", props={"candidateGroups": "quality", "assigneeExpression": "'quality'"})
        + '<bpmn:sequenceFlow id="f2" sourceRef="fix" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()
    login("analyst").deploy(xml)
    login("agent").post("/process-instances", json={"process_key": "tn_assignee"}, expect=201)
    assert _told(rt) == [("quality", "task_ready")]


def test_groups_larger_than_the_limit_rely_on_their_inbox(login, rt, monkeypatch):
    monkeypatch.setattr(notifications, "GROUP_NOTIFY_LIMIT", 1)  # cs_agents has 2 members
    login("analyst").deploy(two_step("tn_big", lane="cs_agents", second_lane="quality"))
    agent = login("agent2")
    inst = agent.post("/process-instances", json={"process_key": "tn_big"}, expect=201)
    assert _told(rt) == []
    [first] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)  # still in the group's inbox
    agent.post(f"/tasks/{first['id']}/complete", json={"data": {}}, expect=200)
    assert _told(rt, "second") == [("quality", "task_ready")]  # a small group is still told


def test_a_task_given_to_someone_else_notifies_them_and_claiming_does_not(login, rt):
    login("analyst").deploy(two_step("tn_assign", lane="cs_agents", second_lane="quality"))
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "tn_assign"}, expect=201)
    [first] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{first['id']}/claim", expect=200)
    assert _told(rt) == [("agent2", "task_ready")]  # claiming for oneself tells nobody
    with rt.sessions() as s:  # an admin hands the task to agent2 (the admin actions use this hook)
        row = s.get(TaskRecord, first["id"])
        row.assignee = "agent2"
        assert notifications.task_assigned(s, row, actor="admin") == 1
        assert notifications.task_assigned(s, row, actor="agent2") == 0
        s.commit()
    assert _told(rt) == [("agent2", "task_assigned"), ("agent2", "task_ready")]
    [latest, _] = login("agent2").get("/notifications", expect=200)["items"]
    assert latest["params"]["by"] == "admin" and latest["task_id"] == first["id"]

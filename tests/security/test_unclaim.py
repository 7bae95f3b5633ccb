"""Claim, unclaim and complete by someone the task does not concern: 403, and the answer never
says who holds the task or what state it is in."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.models import TaskRecord
from tests.diagrams import two_step
from tests.security.request_helpers import browser

OUTSIDERS = ["logistics", "quality", "analyst", "hr"]


@pytest.fixture
def claimed(rt, login):
    """A cs_agents task claimed by agent2: (task id, instance id)."""
    login("analyst").deploy(two_step("unclaim_flow"))
    agent2 = login("agent2")
    inst = agent2.post("/process-instances", json={"process_key": "unclaim_flow", "variables": {}}, expect=201)
    [task] = agent2.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent2.post(f"/tasks/{task['id']}/claim", expect=200)
    return task["id"], inst["id"]


def assignee(rt, task_id: str) -> str | None:
    with rt.sessions() as s:
        return s.scalar(select(TaskRecord.assignee).where(TaskRecord.id == task_id))


def assert_hidden(api, answer) -> None:
    assert api.last.status_code == 403, answer
    assert answer["error"]["code"] == "not_your_task"
    assert "agent2" not in json.dumps(answer), answer


@pytest.mark.parametrize("username", OUTSIDERS)
def test_outsiders_cannot_unclaim_or_learn_the_assignee(rt, login, claimed, username):
    task_id, _ = claimed
    outsider = login(username)
    assert_hidden(outsider, outsider.post(f"/tasks/{task_id}/unclaim"))
    assert_hidden(outsider, outsider.post(f"/tasks/{task_id}/claim"))
    assert_hidden(outsider, outsider.post(f"/tasks/{task_id}/complete", json={"data": {}}))
    assert assignee(rt, task_id) == "agent2"


def test_outsiders_cannot_unclaim_an_unassigned_task_either(rt, login, claimed):
    task_id, _ = claimed
    login("agent2").post(f"/tasks/{task_id}/unclaim", expect=200)
    logistics = login("logistics")
    assert_hidden(logistics, logistics.post(f"/tasks/{task_id}/unclaim"))
    assert assignee(rt, task_id) is None


def test_outsiders_do_not_learn_that_a_task_is_done(rt, login, claimed):
    task_id, _ = claimed
    login("agent2").post(f"/tasks/{task_id}/complete", json={"data": {}}, expect=200)
    logistics = login("logistics")
    for action in ("claim", "unclaim"):
        answer = logistics.post(f"/tasks/{task_id}/{action}")
        assert_hidden(logistics, answer)
        assert "completed" not in json.dumps(answer)


def test_a_colleague_in_the_group_gets_the_contracts_409(rt, login, claimed):
    task_id, _ = claimed
    answer = login("agent").post(f"/tasks/{task_id}/unclaim", expect=409)
    assert answer["error"]["code"] == "task_claimed"
    login("agent").post(f"/tasks/{task_id}/claim", expect=409)
    assert assignee(rt, task_id) == "agent2"


@pytest.mark.parametrize("username", ["agent2", "admin"])
def test_the_assignee_and_admins_unclaim(rt, login, claimed, username):
    task_id, _ = claimed
    assert login(username).post(f"/tasks/{task_id}/unclaim", expect=200)["assignee"] is None
    assert assignee(rt, task_id) is None


def test_the_inbox_buttons_refuse_outsiders_too(app, rt, claimed):
    task_id, _ = claimed
    page = browser(app, "logistics")
    r = page.post(f"/tasks/{task_id}/unclaim", expect=403)
    assert "agent2" not in r.get_data(as_text=True)
    page.post(f"/tasks/{task_id}/claim", expect=403)
    assert assignee(rt, task_id) == "agent2"

"""Who may start a process (``camunda:candidateStarterGroups``/``-Users``), enforced in the
service for the API and the pages; an assignee expression never hands a task to someone outside
the task's candidate groups."""

from __future__ import annotations

import pytest
from lxml import etree
from sqlalchemy import select

from app.engine.compiler import starter_rights
from app.errors import Forbidden
from app.models import AuditEntry, ProcessDefinition, TaskRecord, User
from app.services import instances
from tests.diagrams import HEAD, user_task
from tests.scenario.conftest import INTAKE
from tests.security.request_helpers import browser, stored
from tests.timers import diagrams as timer_diagrams
from tests.web.conftest import INTAKE_FORM

CAMUNDA = 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
NOT_CUSTOMER_SERVICE = ["logistics", "analyst", "quality", "sales", "manager", "director", "gm", "pr", "hr"]


def restricted(key: str, *, groups: str = "", users: str = "", assignee: str | None = None, lane: str = "quality"):
    """start -> one user task in ``lane`` (optionally ``assigneeExpression``) -> end, with starters."""
    attributes = "".join(
        f' camunda:{name}="{value}"'
        for name, value in (("candidateStarterGroups", groups), ("candidateStarterUsers", users))
        if value
    )
    props = {"assigneeExpression": assignee} if assignee else None
    return (
        HEAD.replace("<bpmn:definitions ", f"<bpmn:definitions {CAMUNDA}")
        + f'<bpmn:process id="{key}" isExecutable="true"{attributes}>'
        f'<bpmn:laneSet id="ls"><bpmn:lane id="l1" name="{lane}"><bpmn:flowNodeRef>work</bpmn:flowNodeRef>'
        "</bpmn:lane></bpmn:laneSet>"
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>'
        + user_task("work", "Work", props=props)
        + '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def start(api, key, variables=None, expect=201):
    return api.post("/process-instances", json={"process_key": key, "variables": variables or {}}, expect=expect)


# --- complaint_handling: customer service and admins -----------------------------------------
@pytest.mark.parametrize("username", NOT_CUSTOMER_SERVICE)
def test_only_customer_service_may_start_a_complaint(rt, login, username):
    before = stored(rt)
    error = start(login(username), "complaint_handling", INTAKE, expect=403)["error"]
    assert error["code"] == "not_a_starter" and "cs_agents" in error["message"]
    assert stored(rt) == before


@pytest.mark.parametrize("username", ["agent", "agent2", "supervisor", "admin"])
def test_customer_service_and_admins_start_complaints(login, username):
    assert start(login(username), "complaint_handling", INTAKE)["status"] == "running"


def test_the_start_page_refuses_others_too(app, rt):
    before = stored(rt)
    browser(app, "logistics").post("/start/complaint_handling", INTAKE_FORM, expect=403)
    assert stored(rt) == before
    browser(app, "agent").post("/start/complaint_handling", INTAKE_FORM, expect=302)


def test_the_start_pages_show_only_what_one_may_start(app):
    logistics, agent = browser(app, "logistics"), browser(app, "agent")
    assert "complaint_handling" not in logistics.text("/start")
    assert "complaint_handling" in agent.text("/start")
    logistics.get("/start/complaint_handling", expect=403)  # not even the form
    agent.get("/start/complaint_handling", expect=200)
    agent.get("/start/no_such_process", expect=404)


def test_the_service_itself_refuses(rt):
    before = stored(rt)
    with rt.sessions() as s:
        for actor in ("logistics", "nobody-such", None):
            with pytest.raises(Forbidden):
                instances.start(rt, s, "complaint_handling", dict(INTAKE), actor)
        s.rollback()
    assert stored(rt) == before


def test_the_deployed_definition_carries_its_starters(rt):
    with rt.sessions() as s:
        definition = s.scalars(
            select(ProcessDefinition)
            .where(ProcessDefinition.key == "complaint_handling")
            .order_by(ProcessDefinition.version.desc())
        ).first()
        assert definition.starter_groups == ["cs_agents", "cs_supervisors"] and definition.starter_users == []


# --- assignee expressions stay inside the task's groups ------------------------------------------
def test_an_admin_registering_a_complaint_is_not_given_the_agents_task(rt, login):
    admin, agent = login("admin"), login("agent")
    inst = start(admin, "complaint_handling", INTAKE)
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    assert task["element_id"] == "Task_ConfirmRecord" and task["assignee"] is None
    assert task["candidate_groups"] == ["cs_agents"]
    history = admin.get(f"/process-instances/{inst['id']}", expect=200)["history"]
    refused = [h for h in history if h["type"] == "assignee_refused"]
    assert refused and refused[0]["detail"]["assignee"] == "admin"
    assert refused[0]["element_id"] == "Task_ConfirmRecord"
    admin_inbox = admin.get("/tasks?scope=mine", expect=200)
    assert task["id"] not in [t["id"] for t in admin_inbox]
    agent.post(f"/tasks/{task['id']}/claim", expect=200)


def test_a_supervisor_registering_is_not_given_the_agents_task_either(login):
    supervisor, agent = login("supervisor"), login("agent")
    inst = start(supervisor, "complaint_handling", INTAKE)
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    assert task["assignee"] is None
    supervisor.post(f"/tasks/{task['id']}/complete", json={"data": {}}, expect=403)


def test_an_agent_registering_keeps_the_first_responder_rule(login):
    agent = login("agent")
    inst = start(agent, "complaint_handling", INTAKE)
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    assert task["assignee"] == "agent"


@pytest.mark.parametrize(
    ("key", "expression", "expected"),
    [
        ("assign_outsider", "'logistics'", None),  # a real user outside the group
        ("assign_admin", "'admin'", None),  # admins are not members of every group
        ("assign_unknown", "'nobody_at_all'", None),  # no such user
        ("assign_member", "'quality'", "quality"),  # a member
        ("assign_starter", "registered_by", None),  # the starter (analyst) is no member
    ],
)
def test_assignee_expressions_are_limited_to_the_candidate_groups(rt, login, key, expression, expected):
    login("analyst").deploy(restricted(key, assignee=expression))
    inst = start(login("analyst"), key, {"registered_by": "analyst"})
    with rt.sessions() as s:
        row = s.scalar(select(TaskRecord).where(TaskRecord.instance_id == inst["id"]))
        refused = s.scalars(
            select(AuditEntry).where(AuditEntry.instance_id == inst["id"], AuditEntry.type == "assignee_refused")
        ).all()
    assert row.assignee == expected
    assert len(refused) == (0 if expected else 1)


def test_an_inactive_member_is_not_assigned(rt, login):
    login("analyst").deploy(restricted("assign_inactive", assignee="'quality'"))
    with rt.sessions() as s:
        s.scalar(select(User).where(User.username == "quality")).active = False
        s.commit()
    try:
        inst = start(login("analyst"), "assign_inactive")
    finally:
        with rt.sessions() as s:
            s.scalar(select(User).where(User.username == "quality")).active = True
            s.commit()
    with rt.sessions() as s:
        assert s.scalar(select(TaskRecord.assignee).where(TaskRecord.instance_id == inst["id"])) is None


# --- any process can declare its starters -----------------------------------------------------
def test_starter_groups_and_users_of_a_deployed_diagram(rt, login):
    login("analyst").deploy(restricted("by_quality", groups="quality", users="hr"))
    for allowed in ("quality", "hr", "admin"):
        start(login(allowed), "by_quality")
    before = stored(rt)
    for refused in ("agent", "analyst", "logistics"):
        assert start(login(refused), "by_quality", expect=403)["error"]["code"] == "not_a_starter"
    assert stored(rt) == before


def test_a_process_without_starters_is_open_to_everyone_logged_in(login):
    login("analyst").deploy(restricted("open_to_all"))
    for username in ("logistics", "analyst", "agent"):
        start(login(username), "open_to_all")
    login(None).post("/process-instances", json={"process_key": "open_to_all"}, expect=401)


def test_starter_expressions_are_refused_at_deploy(login):
    answer = login("analyst").deploy(restricted("juel_starters", groups="${groups}"), expect=422)
    assert answer["error"]["details"][0]["element_id"] == "juel_starters"


def test_a_timer_start_is_not_a_user_start(login):
    xml = timer_diagrams.timer_start("timer_restricted", "R/P1D").replace(
        b'<bpmn:process id="timer_restricted"',
        b'<bpmn:process xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        b'camunda:candidateStarterGroups="quality" id="timer_restricted"',
    )
    login("analyst").deploy(xml)
    [inst] = login("admin").get("/process-instances?process_key=timer_restricted", expect=200)["items"]
    assert inst["started_by"] == "timer-start" and inst["status"] == "running"


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ("", ((), ())),
        ('camunda:candidateStarterGroups=" a, b ,,"', (("a", "b"), ())),
        ('camunda:candidateStarterUsers="u1"', ((), ("u1",))),
    ],
)
def test_starter_rights_reads_the_camunda_attributes(attributes, expected):
    process = etree.fromstring(
        f'<process xmlns:camunda="http://camunda.org/schema/1.0/bpmn" {attributes} id="p"/>'.encode()
    )
    assert starter_rights(process) == expected

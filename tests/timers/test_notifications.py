"""The ``notify`` operation, the per-user notification list, e-mail state, repeat contacts."""

from __future__ import annotations

from sqlalchemy import select

from app.models import Notification
from app.services.email_outbox import deliver_emails
from tests.diagrams import HEAD, user_task


def _notify_diagram(key: str) -> bytes:
    params = (
        '<spiffworkflow:parameter id="groups" type="any" value="[&quot;regional_manager&quot;, &quot;pr_legal&quot;]"/>'
        '<spiffworkflow:parameter id="users" type="any" value="[registered_by]"/>'
        '<spiffworkflow:parameter id="kind" type="any" value="&quot;escalation&quot;"/>'
        '<spiffworkflow:parameter id="title" type="any" value="&quot;Reply overdue &quot; + str(case)"/>'
        '<spiffworkflow:parameter id="message" type="any" value="&quot;please act&quot;"/>'
    )
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply"/>'
        + user_task("reply", "Reply", props={"candidateGroups": "cs_agents"})
        + '<bpmn:boundaryEvent id="late" attachedToRef="reply" cancelActivity="false">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>PT24H</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="end"/><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="tell"/>'
        '<bpmn:serviceTask id="tell" name="Escalate"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="notify" resultVariable="notified"><spiffworkflow:parameters>{params}'
        "</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
        '<bpmn:sequenceFlow id="f4" sourceRef="tell" targetRef="end2"/><bpmn:endEvent id="end2"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def test_timer_breach_notifies_roles_and_users(flow, login, rt):
    flow.deploy(_notify_diagram("t_notify"))
    inst = flow.start("t_notify", {"case": 7, "registered_by": "agent"})
    manager, pr, director = login("manager"), login("pr"), login("director")
    assert manager.get("/notifications", expect=200) == {"items": [], "unread": 0, "unread_is_exact": True}
    assert flow.advance(24 * 3600 + 1) == 1
    for api in (manager, pr, flow.agent):
        box = api.get("/notifications", expect=200)
        assert box["unread"] == 1
        [n] = box["items"]
        assert (n["kind"], n["title"], n["message"], n["instance_id"], n["element_id"]) == (
            "escalation",
            "Reply overdue 7",
            "please act",
            inst["id"],
            "tell",
        )
    assert director.get("/notifications", expect=200)["unread"] == 0
    history = flow.instance(inst["id"])["history"]
    sent = [h for h in history if h["type"] == "notification_sent"]
    assert sent[0]["detail"]["recipients"] == ["agent", "manager", "pr"]
    [n] = manager.get("/notifications", expect=200)["items"]
    assert manager.post(f"/notifications/{n['id']}/read", expect=200)["read_at"]
    assert manager.get("/notifications?unread=1", expect=200) == {"items": [], "unread": 0, "unread_is_exact": True}
    pr.post(f"/notifications/{n['id']}/read", expect=404)  # not pr's notification
    assert pr.post("/notifications/read-all", expect=200)["marked"] == 1
    # e-mail: no SMTP configured in tests → logged, each exactly once
    deliver_emails(rt)  # the background scheduler may have taken some already: each row is handled once
    assert deliver_emails(rt) == 0
    with rt.sessions() as s:
        rows = list(s.scalars(select(Notification).where(Notification.kind != "task")))
        assert len(rows) == 3 and {r.email_status for r in rows} == {"logged"}
        # the reply task reached the agents' group: agent2 was told, agent (who started it) was not
        told = s.execute(select(Notification.username, Notification.code).where(Notification.kind == "task")).all()
        assert told == [("agent2", "task_ready")]


def test_notify_to_unknown_operation_is_still_refused(login):
    xml = _notify_diagram("t_notify_bad").replace(b'id="notify"', b'id="notify_everyone"')
    err = login("analyst").deploy(xml, expect=422)
    assert err["error"]["details"][0]["element_id"] == "tell"


INTAKE = {"channel": "phone", "complainant": {"name": "张三", "phone": "13800138000"}, "description": "牛奶有异味"}


def test_repeat_contact_counts_toward_secondary_complaint_and_level_c(login):
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201)
    first = agent.get(f"/process-instances/{inst['id']}", expect=200)
    assert first["variables"]["severity"]["level"] == "E"
    second = login("agent2").post(
        f"/process-instances/{inst['id']}/repeat-contact", json={"note": "又打来了", "channel": "phone"}, expect=200
    )
    assert second["contact_count"] == 2 and second["severity"]["level"] == "D"
    assert second["instance"]["variables"]["contact_count"] == 2
    assert second["instance"]["variables"]["severity"]["level"] == "D"
    types = [h["type"] for h in second["instance"]["history"]]
    assert types[-3:] == ["repeat_contact", "severity_escalated", "notification_sent"]
    assert login("manager").get("/notifications", expect=200)["unread"] == 1  # level D: regional manager informed
    third = agent.post(f"/process-instances/{inst['id']}/repeat-contact", json={"note": "第三次"}, expect=200)
    assert third["severity"]["level"] == "C"
    assert any(r["criterion"] == "contacted_3_or_more_times" for r in third["severity"]["reasons"])
    fourth = agent.post(f"/process-instances/{inst['id']}/repeat-contact", json={"note": "第四次"}, expect=200)
    assert fourth["severity"]["level"] == "C"  # no further rule: no second escalation
    history = fourth["instance"]["history"]
    assert [h["detail"]["to"] for h in history if h["type"] == "severity_escalated"] == ["D", "C"]
    # the data reached the running task: the next form sees the count
    [task] = fourth["instance"]["tasks"]
    agent.post(
        f"/tasks/{task['id']}/complete",
        json={"data": {"record_confirmed": True, "acceptance_decision": "rejected"}},
        expect=200,
    )
    after = agent.get(f"/process-instances/{inst['id']}", expect=200)
    assert after["variables"]["contact_count"] == 4 and len(after["variables"]["contacts"]) == 3


def test_repeat_contact_errors(login):
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201)
    agent.post(f"/process-instances/{inst['id']}/repeat-contact", json={"channel": "pigeon"}, expect=422)
    login("logistics").post(f"/process-instances/{inst['id']}/repeat-contact", json={}, expect=403)
    agent.post("/process-instances/999999/repeat-contact", json={}, expect=404)
    login("admin").post(f"/process-instances/{inst['id']}/terminate", json={"reason": "test"}, expect=200)
    agent.post(f"/process-instances/{inst['id']}/repeat-contact", json={}, expect=409)

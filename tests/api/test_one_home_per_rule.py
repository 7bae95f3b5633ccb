"""One home per rule: the repeat-contact rule and deploy + timer-start activation live in services,
so the API, the pages and ``flask setup`` all get the same answer."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from app.models import AuditEntry, ProcessInstance
from app.services import publishing
from tests.timers import diagrams

INTAKE = {"channel": "phone", "complainant": {"name": "张三", "phone": "13800138000"}, "description": "牛奶有异味"}


def test_api_refuses_repeat_contacts_on_other_processes(login, rt):
    login("analyst").deploy(diagrams.boundary("api_no_contacts", "PT1H", interrupting=True))
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "api_no_contacts"}, expect=201)
    err = agent.post(f"/process-instances/{inst['id']}/repeat-contact", json={"channel": "phone"}, expect=404)
    assert err["error"]["code"] == "not_a_complaint"
    with rt.sessions() as s:
        recorded = s.scalars(select(AuditEntry.type).where(AuditEntry.instance_id == inst["id"])).all()
        assert "repeat_contact" not in recorded
        assert s.get(ProcessInstance, inst["id"]).variables.get("contact_count") is None


def test_pages_refuse_repeat_contacts_on_other_processes_with_the_same_rule(login, client):
    login("analyst").deploy(diagrams.boundary("web_no_contacts2", "PT1H", interrupting=True))
    inst = login("agent").post("/process-instances", json={"process_key": "web_no_contacts2"}, expect=201)

    def token(path: str) -> str:
        return client.get(path).get_data(as_text=True).split('name="csrf_token" value="', 1)[1].split('"', 1)[0]

    client.post("/login", data={"csrf_token": token("/login?lang=en"), "username": "agent", "password": "agent"})
    r = client.post(
        f"/instances/{inst['id']}/repeat-contact",
        data={"csrf_token": token(f"/instances/{inst['id']}"), "channel": "phone"},
    )
    assert r.status_code == 404 and "Only complaints record repeat contacts." in r.get_data(as_text=True)


def test_publishing_a_folder_activates_timer_start_processes_like_the_api(rt, tmp_path: Path, login):
    (tmp_path / "folder_start.bpmn").write_bytes(diagrams.timer_start("t_folder_start", "R/P1D"))
    with rt.sessions() as s:
        [deployed] = publishing.publish_folder(rt, s, tmp_path, actor="test")
        s.commit()
        assert deployed.created and deployed.timer_start
    with rt.sessions() as s:
        waiting = s.scalars(select(ProcessInstance).where(ProcessInstance.process_key == "t_folder_start")).all()
        assert [(i.started_by, i.status) for i in waiting] == [("timer-start", "running")]
    # the API's upload goes through the same function: a new version replaces the waiting instance
    login("analyst").deploy(diagrams.timer_start("t_folder_start", "R/P1D", script="runs = 2"))
    with rt.sessions() as s:
        rows = s.scalars(select(ProcessInstance).where(ProcessInstance.process_key == "t_folder_start")).all()
        assert sorted((i.version, i.status) for i in rows) == [(1, "terminated"), (2, "running")]

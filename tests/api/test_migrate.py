"""Contract "Admin actions": ``POST /process-instances/{id}/migrate`` moves a case onto
another version of its process. A dry run lists the changes and keeps nothing; a real one
moves the instance through the one save path (task rows follow, the inbox shows the task) and
is audited; an element the case is at with no counterpart in the target is refused (409 naming
it); every error status."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.models import AuditEntry, ProcessInstance, TaskRecord, TimerRecord
from tests.diagrams import HEAD, two_step, user_task
from tests.timers.diagrams import boundary, subprocess_deadline


def version_two(key: str) -> bytes:
    """Version 2: start -> First -> Review (new) -> script (computes more) -> end; the second
    step is gone."""
    return (
        f'{HEAD}<bpmn:process id="{key}" name="Two step" isExecutable="true">'
        '<bpmn:laneSet id="ls"><bpmn:lane id="lane_a" name="cs_agents">'
        "<bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>first</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>script</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        '<bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first"/>'
        + user_task("first", "First step", form_key="test_first")
        + '<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="review"/>'
        + user_task("review", "Review")
        + '<bpmn:sequenceFlow id="f5" sourceRef="review" targetRef="script"/>'
        '<bpmn:scriptTask id="script" name="Compute"><bpmn:script>result = n * 3</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f3" sourceRef="script" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>'
    ).encode()


class Process:
    """A fresh process: ``one()`` deploys version 1, ``two()`` version 2; ``start`` starts
    the newest."""

    def __init__(self, login: Callable[[str | None], Any]) -> None:
        self.key = f"mig_{secrets.token_hex(4)}"
        self.analyst = login("analyst")

    def one(self) -> int:
        return int(self.analyst.deploy(two_step(self.key, script="result = n * 2"))[0]["version"])

    def two(self) -> int:
        return int(self.analyst.deploy(version_two(self.key))[0]["version"])

    def start(self, api: Any) -> dict[str, Any]:
        return api.post("/process-instances", json={"process_key": self.key, "variables": {}}, expect=201)


@pytest.fixture
def proc(login) -> Process:
    return Process(login)


def row(rt, instance_id: int) -> tuple[int, int, str]:
    with rt.sessions() as s:
        model = s.get(ProcessInstance, instance_id)
        assert model is not None
        return model.version, model.definition.version, model.state_json


def audit_rows(rt, instance_id: int) -> list[AuditEntry]:
    with rt.sessions() as s:
        return list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.instance_id == instance_id, AuditEntry.type == "instance_migrated")
                .order_by(AuditEntry.id)
            )
        )


SHOWN = {"first", "review", "script", "second"}  # (the end event changes too: its inputs)
EXPECTED_CHANGES = [
    {"element_id": "first", "change": "changed"},  # it leads to the review now
    {"element_id": "review", "change": "added"},
    {"element_id": "script", "change": "changed"},
    {"element_id": "second", "change": "removed"},
]


def test_dry_run_lists_the_changes_and_keeps_nothing(rt, login, proc):
    v1 = proc.one()
    admin = login("admin")
    inst = proc.start(login("agent"))
    v2 = proc.two()
    assert row(rt, inst["id"])[0] == v1
    before = row(rt, inst["id"])
    path = f"/process-instances/{inst['id']}/migrate"
    done = admin.post(path, json={"to_version": v2, "dry_run": True}, expect=200)
    assert done["migrated"] is False
    assert [
        c for c in done["changes"] if c["element_id"] in {"first", "review", "script", "second"}
    ] == EXPECTED_CHANGES
    assert done["changes"] == sorted(done["changes"], key=lambda c: (c["element_id"], c["change"]))
    assert row(rt, inst["id"]) == before  # still version 1, same engine state
    assert audit_rows(rt, inst["id"]) == []


def test_migration_moves_the_case_and_its_task_stays_completable(rt, login, proc):
    v1 = proc.one()
    admin, agent = login("admin"), login("agent")
    inst = proc.start(agent)
    [before] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    v2 = proc.two()
    done = admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2}, expect=200)
    assert done["migrated"] is True
    assert [
        c for c in done["changes"] if c["element_id"] in {"first", "review", "script", "second"}
    ] == EXPECTED_CHANGES
    version, definition_version, _ = row(rt, inst["id"])
    assert (version, definition_version) == (v2, v2)
    shown = admin.get(f"/process-instances/{inst['id']}", expect=200)
    assert shown["version"] == v2 and shown["status"] == "running"
    # the step changed (it leads elsewhere): it is ready again as a new task, in the inbox once;
    # the old task's row is closed
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    assert (task["element_id"], task["state"]) == ("first", "ready") and task["id"] != before["id"]
    assert before["id"] not in [t["id"] for t in agent.get("/tasks", expect=200)]
    with rt.sessions() as s:
        rows = s.scalars(select(TaskRecord).where(TaskRecord.instance_id == inst["id"]))
        assert sorted((r.id == task["id"], r.state) for r in rows) == [(False, "cancelled"), (True, "ready")]
    [entry] = audit_rows(rt, inst["id"])
    assert entry.actor == "admin"
    assert entry.detail == {"from_version": v1, "to_version": v2, "changes": done["changes"]}
    # the case goes on under version 2: its new review step, then the end
    agent.post(f"/tasks/{task['id']}/complete", json={"data": {"n": 2}}, expect=200)
    [review] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    assert review["element_id"] == "review"
    after = agent.post(f"/tasks/{review['id']}/complete", json={"data": {}}, expect=200)["instance"]
    assert after["incidents"] == [] and after["status"] == "completed"  # the script found n from the first step


def test_a_case_at_a_removed_element_is_refused_naming_it(rt, login, proc):
    v1 = proc.one()
    admin, agent = login("admin"), login("agent")
    inst = proc.start(agent)
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{task['id']}/complete", json={"data": {"n": 1}}, expect=200)
    v2 = proc.two()
    before = row(rt, inst["id"])
    for dry_run in (True, False):
        err = admin.post(
            f"/process-instances/{inst['id']}/migrate", json={"to_version": v2, "dry_run": dry_run}, expect=409
        )
        assert err["error"]["code"] == "migration_blocked"
        assert [d["element_id"] for d in err["error"]["details"]] == ["second"]
        assert err["error"]["details"][0]["message"]
    assert row(rt, inst["id"]) == before
    assert audit_rows(rt, inst["id"]) == []
    # back to version 1 from a case started on version 2 at its review step: "review" is unknown there
    other = proc.start(agent)
    [t] = agent.get(f"/tasks?instance_id={other['id']}", expect=200)
    agent.post(f"/tasks/{t['id']}/complete", json={"data": {"n": 1}}, expect=200)
    assert row(rt, other["id"])[0] == v2
    err = admin.post(f"/process-instances/{other['id']}/migrate", json={"to_version": v1}, expect=409)
    assert [d["element_id"] for d in err["error"]["details"]] == ["review"]


def test_errors(rt, login, proc):
    v1 = proc.one()
    admin, agent = login("admin"), login("agent")
    inst = proc.start(agent)
    v2 = proc.two()
    path = f"/process-instances/{inst['id']}/migrate"
    body = {"to_version": v2, "dry_run": True}
    assert agent.post(path, json=body, expect=403)["error"]["code"] == "role_required"
    login("manager").post(path, json=body, expect=403)
    login(None).post(path, json=body, expect=401)
    assert admin.post(path, json={"to_version": 99}, expect=404)["error"]["code"] == "unknown_version"
    assert admin.post(path, json={"to_version": v1}, expect=409)["error"]["code"] == "same_version"
    admin.post("/process-instances/999999/migrate", json=body, expect=404)
    for bad, fields in (
        ({}, ["to_version"]),
        ({"to_version": 0}, ["to_version"]),
        ({"to_version": -1}, ["to_version"]),
        ({"to_version": "2"}, ["to_version"]),
        ({"to_version": 1.5}, ["to_version"]),
        ({"to_version": True}, ["to_version"]),
        ({"to_version": v2, "dry_run": "yes"}, ["dry_run"]),
        ({"to_version": None, "dry_run": 1}, ["to_version", "dry_run"]),
    ):
        err = admin.post(path, json=bad, expect=422)
        assert [d["field"] for d in err["error"]["details"]] == fields, bad
    admin.post(path, expect=422)  # no body at all: to_version is missing
    admin.post(path, data="{", headers={"Content-Type": "application/json"}, expect=400)
    admin.post(path, data="x", headers={"Content-Type": "text/plain"}, expect=415)
    # a completed instance (started on v2: two steps) and a terminated one
    done = proc.start(agent)
    for _ in range(2):  # first, review
        [t] = agent.get(f"/tasks?instance_id={done['id']}", expect=200)
        agent.post(f"/tasks/{t['id']}/complete", json={"data": {"n": 1}}, expect=200)
    assert admin.get(f"/process-instances/{done['id']}", expect=200)["status"] == "completed"
    err = admin.post(f"/process-instances/{done['id']}/migrate", json={"to_version": v1}, expect=409)
    assert err["error"]["code"] == "instance_state"
    admin.post(f"/process-instances/{inst['id']}/terminate", json={"reason": "duplicate"}, expect=200)
    err = admin.post(path, json={"to_version": v2}, expect=409)
    assert err["error"]["code"] == "instance_state"
    assert audit_rows(rt, inst["id"]) == audit_rows(rt, done["id"]) == []


def test_a_suspended_case_migrates_and_stays_held(rt, login, proc):
    proc.one()
    admin = login("admin")
    inst = proc.start(login("agent"))
    v2 = proc.two()
    admin.post(f"/process-instances/{inst['id']}/suspend", expect=200)
    admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2}, expect=200)
    shown = admin.get(f"/process-instances/{inst['id']}", expect=200)
    assert (shown["version"], shown["status"]) == (v2, "suspended")
    with rt.sessions() as s:  # its step waits, ready, for the case to be resumed
        ready = s.scalars(select(TaskRecord).where(TaskRecord.instance_id == inst["id"], TaskRecord.state == "ready"))
        assert [r.element_id for r in ready] == ["first"]
    admin.post(f"/process-instances/{inst['id']}/resume", expect=200)
    [task] = login("agent").get(f"/tasks?instance_id={inst['id']}", expect=200)
    assert task["element_id"] == "first"
    login("agent").post(f"/tasks/{task['id']}/complete", json={"data": {"n": 1}}, expect=200)
    [review] = login("agent").get(f"/tasks?instance_id={inst['id']}", expect=200)
    assert review["element_id"] == "review"


def test_an_element_matched_under_another_id_is_changed_and_the_case_follows_it(rt, login, proc):
    """The engine matches a renamed step by its place in the flow: the case waiting there moves to it."""
    proc.one()
    admin, agent = login("admin"), login("agent")
    inst = proc.start(agent)
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{task['id']}/complete", json={"data": {"n": 1}}, expect=200)
    renamed = two_step(proc.key).decode().replace("second", "check").replace("Second step", "Check")
    v2 = int(proc.analyst.deploy(renamed.encode())[0]["version"])
    done = admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2}, expect=200)
    assert {"element_id": "second", "change": "changed", "to_element_id": "check"} in done["changes"]
    [moved] = login("quality").get(f"/tasks?instance_id={inst['id']}", expect=200)
    assert moved["element_id"] == "check" and moved["name"] == "Check"
    with rt.sessions() as s:  # the old step's row is closed; the new one is the only open row
        rows = s.scalars(
            select(TaskRecord).where(TaskRecord.instance_id == inst["id"], TaskRecord.element_id != "first")
        )
        assert sorted((r.element_id, r.state) for r in rows) == [("check", "ready"), ("second", "cancelled")]
    login("quality").post(f"/tasks/{moved['id']}/complete", json={"data": {}}, expect=200)
    assert admin.get(f"/process-instances/{inst['id']}", expect=200)["status"] == "completed"


def test_a_case_that_passed_a_removed_element_is_refused_naming_it(rt, login, proc):
    """Its history names an element the target lacks: refused, and nothing kept."""
    proc.one()
    admin, agent = login("admin"), login("agent")
    inst = proc.start(agent)
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{task['id']}/complete", json={"data": {"n": 1}}, expect=200)  # now at "second"
    without_first = (
        two_step(proc.key)
        .decode()
        .replace("<bpmn:flowNodeRef>first</bpmn:flowNodeRef>", "")
        .replace('targetRef="first"', 'targetRef="script"')
    )
    start_at = without_first.index('<bpmn:userTask id="first"')
    end_at = without_first.index('<bpmn:scriptTask id="script"')
    v2 = int(proc.analyst.deploy((without_first[:start_at] + without_first[end_at:]).encode())[0]["version"])
    before = row(rt, inst["id"])
    err = admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2, "dry_run": True}, expect=409)
    [detail] = err["error"]["details"]
    assert detail["element_id"] == "first" and "passed" in detail["message"]
    admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2}, expect=409)
    assert row(rt, inst["id"]) == before and audit_rows(rt, inst["id"]) == []


def test_a_waiting_timer_follows_the_target_version(rt, login):
    """The boundary timer's duration changed: the case's timer row follows the target's."""
    key = f"mig_{secrets.token_hex(4)}"
    analyst, admin = login("analyst"), login("admin")
    analyst.deploy(boundary(key, "PT24H", interrupting=True))
    inst = admin.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
    [before] = admin.get(f"/process-instances/{inst['id']}", expect=200)["timers"]
    v2 = int(analyst.deploy(boundary(key, "PT72H", interrupting=True))[0]["version"])
    done = admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2}, expect=200)
    assert {"element_id": "late", "change": "changed"} in done["changes"]
    shown = admin.get(f"/process-instances/{inst['id']}", expect=200)
    [after] = shown["timers"]
    due = datetime.fromisoformat(after["due_at"]) - datetime.fromisoformat(before["due_at"])
    assert after["element_id"] == "late" and timedelta(hours=47) < due < timedelta(hours=49)
    assert [t["element_id"] for t in shown["tasks"]] == ["reply"]
    with rt.sessions() as s:  # one pending timer row: the old one is no longer pending
        pending = s.scalars(
            select(TimerRecord).where(TimerRecord.instance_id == inst["id"], TimerRecord.status == "pending")
        )
        assert len(list(pending)) == 1
    fired = admin.post(f"/process-instances/{inst['id']}/timers/late/fire", expect=200)
    assert [t["element_id"] for t in fired["tasks"]] == ["escalated"]


def test_an_unchanged_step_and_timer_keep_their_ids_and_deadline(rt, login):
    """Only what changed is reset: the waiting step keeps its task (id, holder) and its timer its due time."""
    key = f"mig_{secrets.token_hex(4)}"
    analyst, admin, agent = login("analyst"), login("admin"), login("agent")
    analyst.deploy(boundary(key, "PT24H", interrupting=True))
    inst = admin.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
    before = admin.get(f"/process-instances/{inst['id']}", expect=200)
    [task] = before["tasks"]
    agent.post(f"/tasks/{task['id']}/claim", expect=200)
    renamed = boundary(key, "PT24H", interrupting=True).replace(b'name="Escalated"', b'name="Escalated to a lead"')
    v2 = int(analyst.deploy(renamed)[0]["version"])
    done = admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2}, expect=200)
    assert [c["element_id"] for c in done["changes"]] == ["escalated"]
    after = admin.get(f"/process-instances/{inst['id']}", expect=200)
    assert after["timers"] == before["timers"]
    [same] = after["tasks"]
    assert (same["id"], same["assignee"]) == (task["id"], "agent")
    fired = admin.post(f"/process-instances/{inst['id']}/timers/late/fire", expect=200)
    assert [(t["element_id"], t["name"]) for t in fired["tasks"]] == [("escalated", "Escalated to a lead")]


def test_a_case_inside_a_subprocess_moves_with_it_and_completes_on_the_new_version(rt, login):
    """The subprocess's own steps are compared and moved like the process's: a renamed step
    inside it becomes the new version's task, the changed deadline on the subprocess restarts."""
    key = f"mig_{secrets.token_hex(4)}"
    analyst, admin = login("analyst"), login("admin")
    analyst.deploy(subprocess_deadline(key))
    inst = admin.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
    [before] = admin.get(f"/process-instances/{inst['id']}", expect=200)["tasks"]
    assert before["element_id"] == "work"
    changed = subprocess_deadline(key).replace(b"P2D", b"P3D").replace(b'name="Work"', b'name="Work it out"')
    v2 = int(analyst.deploy(changed)[0]["version"])
    plan = admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2, "dry_run": True}, expect=200)
    assert {c["element_id"] for c in plan["changes"]} >= {"work", "handling_late"}
    assert admin.get(f"/process-instances/{inst['id']}", expect=200)["version"] == 1
    admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2}, expect=200)
    moved = admin.get(f"/process-instances/{inst['id']}", expect=200)
    assert moved["version"] == v2
    [task] = moved["tasks"]
    assert (task["element_id"], task["name"]) == ("work", "Work it out") and task["id"] != before["id"]
    [timer] = [t for t in moved["timers"] if t["element_id"] == "handling_late"]
    assert datetime.fromisoformat(timer["due_at"]) - datetime.fromisoformat(moved["updated_at"]) > timedelta(days=2)
    login("quality").post(f"/tasks/{task['id']}/complete", json={}, expect=200)
    assert admin.get(f"/process-instances/{inst['id']}", expect=200)["status"] == "completed"


def test_a_case_at_a_step_its_subprocess_no_longer_has_is_refused_naming_the_step(rt, login):
    key = f"mig_{secrets.token_hex(4)}"
    analyst, admin = login("analyst"), login("admin")
    analyst.deploy(subprocess_deadline(key))
    inst = admin.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
    v1 = subprocess_deadline(key).decode()
    work = v1[v1.index('<bpmn:sequenceFlow id="s1"') : v1.index('<bpmn:endEvent id="s_end"/>')]
    without_work = v1.replace(work, '<bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="s_end"/>')
    v2 = int(analyst.deploy(without_work.encode())[0]["version"])
    err = admin.post(f"/process-instances/{inst['id']}/migrate", json={"to_version": v2}, expect=409)
    [detail] = err["error"]["details"]
    assert detail["element_id"] == "work" and f"version {v2} has no such element" in detail["message"]
    assert admin.get(f"/process-instances/{inst['id']}", expect=200)["version"] == 1


def test_two_migrations_at_once_have_exactly_one_winner(app, rt, login):
    """The optimistic lock: of two simultaneous migrations one moves the case, the other gets a 409."""
    admin = login("admin")
    proc = Process(login)
    proc.one()
    cases = [proc.start(login("agent")) for _ in range(4)]
    v2 = proc.two()
    for inst in cases:
        barrier = threading.Barrier(2)
        codes: list[int] = []

        def worker(inst_id: int = inst["id"], barrier: threading.Barrier = barrier, codes: list[int] = codes) -> None:
            client = app.test_client()
            barrier.wait()
            r = client.post(
                f"/api/v1/process-instances/{inst_id}/migrate", json={"to_version": v2}, headers=admin.headers
            )
            codes.append(r.status_code)

        threads = [threading.Thread(target=worker) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(codes) == [200, 409]
        assert len(audit_rows(rt, inst["id"])) == 1
        assert len(admin.get(f"/tasks?scope=all&instance_id={inst['id']}", expect=200)) == 1


def test_openapi_documents_the_migration(client):
    op = client.get("/api/v1/openapi.json").get_json()["paths"]["/process-instances/{id}/migrate"]["post"]
    assert {"200", "401", "403", "404", "409", "422"} <= set(op["responses"])
    schema = op["requestBody"]["content"]["application/json"]["schema"]
    assert set(schema["properties"]) == {"to_version", "dry_run"} and schema["required"] == ["to_version"]

"""Bulk migration of a version's cases (issue 8 §6): ``POST .../versions/{v}/migration-plan`` is the
dry run, one bounded page at a time; ``POST .../versions/{v}/migrate`` moves the chosen cases, each
all or nothing and audited: a case at a task both versions have moves and completes on the new
one, a case at a removed task is refused naming it, a case completed meanwhile reports 409 and
nothing of it moves, while the others go on."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from app.models import ProcessInstance, TaskRecord, TimerRecord
from app.services import bulk_migrations
from tests import query_plans
from tests.api.test_migrate import Process, audit_rows, row
from tests.task_rows import instance_rows
from tests.timers.diagrams import boundary


def at_second(agent: Any, proc: Process) -> dict[str, Any]:
    """A case of ``proc`` that passed its first step and waits at "second" (removed in version 2)."""
    inst = proc.start(agent)
    complete_first(agent, inst["id"])
    return inst


def complete_first(agent: Any, instance_id: int) -> None:
    [task] = agent.get(f"/tasks?instance_id={instance_id}", expect=200)
    assert task["element_id"] == "first"
    agent.post(f"/tasks/{task['id']}/complete", json={"data": {"n": 1}}, expect=200)


def open_elements(rt: Any, instance_id: int) -> list[tuple[str, str]]:
    with rt.sessions() as s:
        rows = s.scalars(select(TaskRecord).where(TaskRecord.instance_id == instance_id))
        return sorted((r.element_id, r.state) for r in rows)


def test_the_dry_run_pages_through_the_cases_saying_which_can_move_and_why_not(rt, login):
    proc = Process(login)
    v1 = proc.one()
    agent, analyst = login("agent"), login("analyst")
    at_first = [proc.start(agent) for _ in range(2)]
    blocked = at_second(agent, proc)
    finished = proc.start(agent)
    login("admin").post(f"/process-instances/{finished['id']}/terminate", json={"reason": "duplicate"}, expect=200)
    v2 = proc.two()
    before = {i["id"]: row(rt, i["id"]) for i in (*at_first, blocked)}
    path = f"/process-definitions/{proc.key}/versions/{v1}/migration-plan"
    page = analyst.post(path, json={"to_version": v2, "limit": 2}, expect=200)
    assert (page["from_version"], page["to_version"]) == (v1, v2)
    assert [i["id"] for i in page["items"]] == [at_first[0]["id"], at_first[1]["id"]]
    first = page["items"][0]
    assert first["can_migrate"] is True and first["reason"] is None and first["blocking"] == []
    assert first["elements"] == ["first"] and first["business_key"] == at_first[0]["business_key"]
    assert first["changes"] == [{"element_id": "first", "change": "changed"}]
    assert first["status"] == "running" and isinstance(first["lock_version"], int)
    rest = analyst.post(path, json={"to_version": v2, "limit": 2, "cursor": page["next_cursor"]}, expect=200)
    assert rest["next_cursor"] is None
    [item] = rest["items"]  # the terminated case is not listed
    assert item["id"] == blocked["id"] and item["can_migrate"] is False
    assert item["elements"] == ["second"] and "second" in item["reason"]
    assert [b["element_id"] for b in item["blocking"]] == ["second"]
    # nothing moved, nothing audited
    assert {i: row(rt, i) for i in before} == before
    assert all(audit_rows(rt, i) == [] for i in before)
    # the whole list in one page when it fits
    whole = login("admin").post(path, json={"to_version": v2}, expect=200)
    assert len(whole["items"]) == 3 and whole["next_cursor"] is None


def test_the_dry_run_refuses_bad_requests_naming_the_field(login):
    proc = Process(login)
    v1 = proc.one()
    v2 = proc.two()
    analyst = login("analyst")
    path = f"/process-definitions/{proc.key}/versions/{v1}/migration-plan"
    for bad, fields in (
        ({}, ["to_version"]),
        ({"to_version": "2"}, ["to_version"]),
        ({"to_version": v2, "limit": 0}, ["limit"]),
        ({"to_version": v2, "limit": 201}, ["limit"]),
        ({"to_version": v2, "limit": True}, ["limit"]),
        ({"to_version": v2, "cursor": 5}, ["cursor"]),
    ):
        err = analyst.post(path, json=bad, expect=422)["error"]
        assert [d["field"] for d in err["details"]] == fields, bad
    err = analyst.post(path, json={"to_version": v2, "cursor": "not-a-cursor"}, expect=400)["error"]
    assert err["details"][0]["field"] == "cursor"
    err = analyst.post(path, json={"to_version": 99}, expect=404)["error"]
    assert err["code"] == "unknown_version" and err["details"][0]["field"] == "to_version"
    assert analyst.post(path, json={"to_version": v1}, expect=409)["error"]["code"] == "same_version"
    err = analyst.post(
        f"/process-definitions/{proc.key}/versions/9/migration-plan", json={"to_version": v2}, expect=404
    )
    assert "9" in err["error"]["message"]
    analyst.post("/process-definitions/no_such/versions/1/migration-plan", json={"to_version": 2}, expect=404)
    login("agent").post(path, json={"to_version": v2}, expect=403)
    login("manager").post(path, json={"to_version": v2}, expect=403)
    login(None).post(path, json={"to_version": v2}, expect=401)
    analyst.post(path, data="x", headers={"Content-Type": "text/plain"}, expect=415)


def test_migrate_moves_each_case_that_can_and_refuses_the_others_naming_the_element(rt, login):
    proc = Process(login)
    v1 = proc.one()
    agent, admin = login("agent"), login("admin")
    movable = proc.start(agent)
    blocked = at_second(agent, proc)
    v2 = proc.two()
    other_version = proc.start(agent)  # started on version 2
    before = row(rt, blocked["id"])
    path = f"/process-definitions/{proc.key}/versions/{v1}/migrate"
    ids = [movable["id"], blocked["id"], other_version["id"], 999999]
    done = admin.post(path, json={"to_version": v2, "instance_ids": ids}, expect=200)
    moved, refused, wrong_version, unknown = done["results"]
    assert (moved["id"], moved["outcome"], moved["status"]) == (movable["id"], "migrated", 200)
    assert {"element_id": "first", "change": "changed"} in moved["changes"]
    assert (refused["outcome"], refused["status"], refused["code"]) == ("refused", 409, "migration_blocked")
    assert "second" in refused["reason"] and [d["element_id"] for d in refused["details"]] == ["second"]
    assert (wrong_version["outcome"], wrong_version["status"]) == ("refused", 404)
    assert (unknown["id"], unknown["outcome"], unknown["status"]) == (999999, "refused", 404)
    # the refused case kept everything; the moved one is audited once, with the admin as actor
    assert row(rt, blocked["id"]) == before and audit_rows(rt, blocked["id"]) == []
    [entry] = audit_rows(rt, movable["id"])
    assert entry.actor == "admin" and entry.detail["from_version"] == v1 and entry.detail["to_version"] == v2
    assert row(rt, movable["id"])[:2] == (v2, v2)
    # it goes on and completes on version 2: first, then its new review step
    complete_first(agent, movable["id"])
    [review] = agent.get(f"/tasks?instance_id={movable['id']}", expect=200)
    assert review["element_id"] == "review"
    after = agent.post(f"/tasks/{review['id']}/complete", json={"data": {}}, expect=200)["instance"]
    assert after["status"] == "completed" and after["incidents"] == []


def test_a_case_completed_since_the_dry_run_is_a_conflict_and_the_others_move(rt, login):
    proc = Process(login)
    v1 = proc.one()
    agent, admin = login("agent"), login("admin")
    raced, calm = proc.start(agent), proc.start(agent)
    v2 = proc.two()
    plan = admin.post(
        f"/process-definitions/{proc.key}/versions/{v1}/migration-plan", json={"to_version": v2}, expect=200
    )
    chosen = [{"id": i["id"], "lock_version": i["lock_version"]} for i in plan["items"]]
    complete_first(agent, raced["id"])  # between the dry run and the move
    before = row(rt, raced["id"])
    done = admin.post(
        f"/process-definitions/{proc.key}/versions/{v1}/migrate",
        json={"to_version": v2, "instance_ids": chosen},
        expect=200,
    )
    conflict, moved = done["results"]
    assert (conflict["id"], conflict["outcome"], conflict["status"], conflict["code"]) == (
        raced["id"],
        "conflict",
        409,
        "instance_changed",
    )
    assert (moved["id"], moved["outcome"]) == (calm["id"], "migrated")
    assert row(rt, raced["id"]) == before and audit_rows(rt, raced["id"]) == []
    assert row(rt, calm["id"])[0] == v2


def test_a_completion_committed_while_the_migration_runs_is_a_conflict_nothing_half_moved(rt, login):
    """The race itself, driven step by step: the migration has read the case, the agent's completion
    commits (another session), then the migration saves: the optimistic lock refuses that case alone."""
    proc = Process(login)
    v1 = proc.one()
    agent = login("agent")
    raced, calm = proc.start(agent), proc.start(agent)
    v2 = proc.two()
    with rt.sessions() as s:
        read = s.get(ProcessInstance, raced["id"])  # what the migration read
        assert read is not None
        s.expunge(read)
        s.rollback()
        complete_first(agent, raced["id"])  # commits in its own session meanwhile
        s.add(read)  # the migration goes on with what it read
        done = bulk_migrations.migrate(
            rt, s, proc.key, v1, {"to_version": v2, "instance_ids": [raced["id"], calm["id"]]}, "admin"
        )
        s.commit()
    conflict, moved = done["results"]
    assert (conflict["outcome"], conflict["status"], conflict["code"]) == ("conflict", 409, "instance_changed")
    assert moved["outcome"] == "migrated"
    # the raced case is exactly as the completion left it: version 1, at "second", no migration audited
    version, definition_version, _ = row(rt, raced["id"])
    assert (version, definition_version) == (v1, v1)
    assert open_elements(rt, raced["id"]) == [("first", "completed"), ("second", "ready")]
    assert audit_rows(rt, raced["id"]) == []
    assert row(rt, calm["id"])[0] == v2 and len(audit_rows(rt, calm["id"])) == 1


def test_migrate_refuses_bad_requests_naming_the_field(rt, login):
    proc = Process(login)
    v1 = proc.one()
    inst = proc.start(login("agent"))
    v2 = proc.two()
    admin = login("admin")
    path = f"/process-definitions/{proc.key}/versions/{v1}/migrate"
    for bad, fields in (
        ({"to_version": v2}, ["instance_ids"]),
        ({"to_version": v2, "instance_ids": []}, ["instance_ids"]),
        ({"to_version": v2, "instance_ids": list(range(1, 202))}, ["instance_ids"]),
        ({"to_version": v2, "instance_ids": ["1"]}, ["instance_ids[0]"]),
        ({"to_version": v2, "instance_ids": [inst["id"], {"id": inst["id"], "lock_version": 0}]}, ["instance_ids[1]"]),
        ({"to_version": v2, "instance_ids": [inst["id"], inst["id"]]}, ["instance_ids"]),
        ({"instance_ids": [inst["id"]]}, ["to_version"]),
    ):
        err = admin.post(path, json=bad, expect=422)["error"]
        assert [d["field"] for d in err["details"]] == fields, bad
    body = {"to_version": v2, "instance_ids": [inst["id"]]}
    assert admin.post(path, json={**body, "to_version": 99}, expect=404)["error"]["code"] == "unknown_version"
    assert admin.post(path, json={**body, "to_version": v1}, expect=409)["error"]["code"] == "same_version"
    login("manager").post(path, json=body, expect=403)
    login("agent").post(path, json=body, expect=403)
    login(None).post(path, json=body, expect=401)
    admin.post(path, data="{", headers={"Content-Type": "application/json"}, expect=400)
    assert row(rt, inst["id"])[0] == v1 and audit_rows(rt, inst["id"]) == []


def test_openapi_documents_the_bulk_migration(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    plan = paths["/process-definitions/{key}/versions/{version}/migration-plan"]["post"]
    assert {"200", "400", "401", "403", "404", "409", "422"} <= set(plan["responses"])
    migrate = paths["/process-definitions/{key}/versions/{version}/migrate"]["post"]
    assert migrate["requestBody"]["content"]["application/json"]["schema"]["required"] == ["to_version", "instance_ids"]


def test_a_moved_case_gets_the_tasks_and_timers_of_the_new_version(rt, login):
    """Its waiting step changed form, group and deadline: the task row, its due time and the timer row
    are the new version's (the timer restarts from the move, as the engine resets a changed step)."""
    key = f"mig_{secrets.token_hex(4)}"
    analyst, admin = login("analyst"), login("admin")
    analyst.deploy(boundary(key, "PT24H", interrupting=True))
    inst = admin.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
    [old_task] = admin.get(f"/process-instances/{inst['id']}", expect=200)["tasks"]
    changed = boundary(key, "PT48H", interrupting=True).replace(
        b'<spiffworkflow:property name="candidateGroups" value="cs_agents"/>',
        b'<spiffworkflow:property name="candidateGroups" value="cs_supervisors"/>'
        b'<spiffworkflow:property name="formKey" value="reply_v2"/>',
    )
    analyst.deploy(changed)
    done = admin.post(
        f"/process-definitions/{key}/versions/1/migrate",
        json={"to_version": 2, "instance_ids": [inst["id"]]},
        expect=200,
    )
    assert done["results"][0]["outcome"] == "migrated"
    with rt.sessions() as s:
        [task] = s.scalars(select(TaskRecord).where(TaskRecord.instance_id == inst["id"], TaskRecord.state == "ready"))
        assert (task.element_id, task.form_key, task.candidate_groups) == ("reply", "reply_v2", ["cs_supervisors"])
        assert task.id != old_task["id"]
        [timer] = s.scalars(
            select(TimerRecord).where(TimerRecord.instance_id == inst["id"], TimerRecord.status == "pending")
        )
        assert timer.element_id == "late" and task.due_at == timer.due_at
        assert timedelta(hours=47) < timer.due_at - task.created_at < timedelta(hours=49)


def test_the_dry_run_walks_one_index_range_per_status(rt):
    """2,000 cases of a version, most of them completed: a page's ids come from one range of
    (definition_id, status, id) per status, in order, never a scan of the version's cases."""
    ids = instance_rows(rt, [{"status": "completed" if i % 10 else "running"} for i in range(2000)])
    with rt.sessions() as s:
        first = s.get(ProcessInstance, ids[0])
        assert first is not None
        definition_id = first.definition_id
    stmt = bulk_migrations.page_ids(definition_id, "running", ids[100], 51)
    found = query_plans.plan(rt, stmt)
    print(found)
    assert "ix_instance_definition_status" in found
    assert "Seq Scan" not in found and "TEMP B-TREE" not in found
    with rt.sessions() as s:
        page = list(s.scalars(stmt))
    assert page == [i for n, i in enumerate(ids) if n % 10 == 0 and i > ids[100]][:51]

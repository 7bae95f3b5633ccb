"""Contract "Admin actions": reassign a task, fire a timer now, edit variables under the
optimistic lock (ETag / If-Match), terminate with a reason; every error status they answer,
and each action's audit row in the product's own history table."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, select

from app.models import AuditEntry, TaskCandidateGroup, TimerRecord, User, user_groups
from app.services import people
from tests.diagrams import two_step
from tests.timers.diagrams import boundary, intermediate

INTAKE: dict[str, Any] = {
    "channel": "phone",
    "complainant": {"name": "张三", "phone": "13800138000"},
    "description": "牛奶有异味",
}


def start(api, key, variables=None):
    return api.post("/process-instances", json={"process_key": key, "variables": variables or {}}, expect=201)


def audit_rows(rt, instance_id: int, type_: str) -> list[AuditEntry]:
    with rt.sessions() as s:
        return list(
            s.scalars(
                select(AuditEntry)
                .where(AuditEntry.instance_id == instance_id, AuditEntry.type == type_)
                .order_by(AuditEntry.id)
            )
        )


def field_of(err: dict[str, Any]) -> list[str]:
    return [d["field"] for d in err["error"]["details"]]


@pytest.fixture
def inactive_agent(rt) -> Iterator[str]:
    """A cs_agents member whose account is switched off (removed after the test)."""
    username = f"t_{secrets.token_hex(4)}"
    with rt.sessions() as s:
        people.create_user(s, username, username, groups=("cs_agents",)).active = False
        s.commit()
    yield username
    with rt.sessions() as s:
        user_id = s.scalar(select(User.id).where(User.username == username))
        s.execute(delete(user_groups).where(user_groups.c.user_id == user_id))
        s.execute(delete(User).where(User.id == user_id))
        s.commit()


@pytest.fixture
def two(login) -> str:
    login("analyst").deploy(two_step("adm_two", script="result = n * 2"))
    return "adm_two"


# --- assign ---------------------------------------------------------------------------------------
def test_admin_assigns_a_task_to_a_member_of_its_groups(rt, login, two):
    admin, agent2 = login("admin"), login("agent2")
    inst = start(login("agent"), two)
    [task] = admin.get(f"/tasks?scope=all&instance_id={inst['id']}", expect=200)
    done = admin.post(
        f"/tasks/{task['id']}/assign", json={"username": "agent2", "reason": "Wang is on leave"}, expect=200
    )
    assert done["assignee"] == "agent2" and done["id"] == task["id"]
    assert [t["id"] for t in agent2.get("/tasks?scope=mine", expect=200)] == [task["id"]]
    with rt.sessions() as s:  # the groups' inbox rows follow the task row
        assert set(s.scalars(select(TaskCandidateGroup.assignee).where(TaskCandidateGroup.task_id == task["id"]))) == {
            "agent2"
        }
    [entry] = audit_rows(rt, inst["id"], "task_assigned")
    assert (entry.actor, entry.element_id) == ("admin", "first") and entry.at is not None
    assert entry.detail == {"task_id": task["id"], "from": None, "to": "agent2", "reason": "Wang is on leave"}
    # and from one holder to another
    admin.post(f"/tasks/{task['id']}/assign", json={"username": "agent", "reason": "back"}, expect=200)
    assert audit_rows(rt, inst["id"], "task_assigned")[-1].detail["from"] == "agent2"


def test_assign_refuses_whoever_may_not_act_on_the_task(rt, login, two, inactive_agent):
    admin = login("admin")
    inst = start(login("agent"), two)
    [task] = admin.get(f"/tasks?scope=all&instance_id={inst['id']}", expect=200)
    path = f"/tasks/{task['id']}/assign"
    for username in ("quality", "nobody_here", inactive_agent, None, 42):
        err = admin.post(path, json={"username": username, "reason": "r"}, expect=422)
        assert err["error"]["code"] == "not_a_candidate" and field_of(err) == ["username"], username
    for body in ({"username": "agent2"}, {"username": "agent2", "reason": "  "}, None):
        err = admin.post(path, json=body, expect=422) if body is not None else admin.post(path, expect=422)
        assert field_of(err) == ["reason"]
    assert login("agent").post(path, json={"username": "agent2", "reason": "r"}, expect=403)["error"]["code"] == (
        "role_required"
    )
    login(None).post(path, json={"username": "agent2", "reason": "r"}, expect=401)
    admin.post("/tasks/no-such-task/assign", json={"username": "agent2", "reason": "r"}, expect=404)
    admin.post(path, data="{", headers={"Content-Type": "application/json"}, expect=400)
    admin.post(path, data="x", headers={"Content-Type": "text/plain"}, expect=415)
    login("agent").post(f"/tasks/{task['id']}/complete", json={"data": {"n": 1}}, expect=200)
    err = admin.post(path, json={"username": "agent2", "reason": "r"}, expect=409)
    assert err["error"]["code"] == "task_not_ready"
    assert audit_rows(rt, inst["id"], "task_assigned") == []


# --- fire a timer now ------------------------------------------------------------------------------
def test_admin_fires_a_waiting_timer_now_and_its_consequences_run(rt, login):
    admin = login("admin")
    login("analyst").deploy(boundary("adm_fire", "PT24H", interrupting=True))
    inst = start(login("agent"), "adm_fire")
    before = admin.get("/admin/clock", expect=200)["now"]
    done = admin.post(f"/process-instances/{inst['id']}/timers/late/fire", expect=200)
    assert done["fired_timer"]["element_id"] == "late" and done["fired_timer"]["fired_at"]
    assert [t["element_id"] for t in done["tasks"]] == ["escalated"]  # the timer's path ran
    assert done["timers"] == []
    assert admin.last.headers["ETag"]
    after = admin.get("/admin/clock", expect=200)["now"]
    assert datetime.fromisoformat(after) - datetime.fromisoformat(before) < timedelta(hours=1)  # not 24 h on
    with rt.sessions() as s:
        [row] = s.scalars(select(TimerRecord).where(TimerRecord.instance_id == inst["id"]))
        assert row.status == "fired"
    [entry] = audit_rows(rt, inst["id"], "timer_fired_by_admin")
    assert (entry.actor, entry.element_id, entry.detail["name"]) == ("admin", "late", "Reply late")
    assert len(audit_rows(rt, inst["id"], "timer_fired")) == 1
    err = admin.post(f"/process-instances/{inst['id']}/timers/late/fire", expect=404)  # fired: no longer pending
    assert err["error"]["code"] == "unknown_timer"


def test_firing_an_intermediate_timer_moves_the_case_on(login):
    admin = login("admin")
    login("analyst").deploy(intermediate("adm_wait", "P10D"))
    inst = start(login("agent"), "adm_wait")
    assert admin.get(f"/process-instances/{inst['id']}", expect=200)["tasks"] == []
    done = admin.post(f"/process-instances/{inst['id']}/timers/wait/fire", expect=200)
    assert [t["element_id"] for t in done["tasks"]] == ["after"]


def test_fire_errors(rt, login):
    admin = login("admin")
    login("analyst").deploy(boundary("adm_fire_err", "PT24H", interrupting=False))
    inst = start(login("agent"), "adm_fire_err")
    path = f"/process-instances/{inst['id']}/timers/late/fire"
    assert admin.post(f"/process-instances/{inst['id']}/timers/nope/fire", expect=404)["error"]["code"] == (
        "unknown_timer"
    )
    admin.post("/process-instances/987654/timers/late/fire", expect=404)
    login("agent").post(path, expect=403)
    login(None).post(path, expect=401)
    admin.post(f"/process-instances/{inst['id']}/suspend", expect=200)
    assert admin.post(path, expect=409)["error"]["code"] == "instance_state"
    assert audit_rows(rt, inst["id"], "timer_fired_by_admin") == []


# --- variables under the optimistic lock -----------------------------------------------------------
def test_instance_etag_changes_whenever_the_instance_does(login, two):
    agent, admin = login("agent"), login("admin")
    inst = start(agent, two)
    admin.get(f"/process-instances/{inst['id']}", expect=200)
    first = admin.last.headers["ETag"]
    admin.get(f"/process-instances/{inst['id']}", expect=200)
    assert admin.last.headers["ETag"] == first  # nothing changed
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{task['id']}/complete", json={"data": {"n": 1}}, expect=200)
    admin.get(f"/process-instances/{inst['id']}", expect=200)
    assert admin.last.headers["ETag"] != first


def test_patch_variables_sets_engine_data_and_instance_variables(rt, login, two):
    agent, admin = login("agent"), login("admin")
    inst = start(agent, two)
    admin.get(f"/process-instances/{inst['id']}", expect=200)
    tag = admin.last.headers["ETag"]
    body = {"set": {"n": 21, "note": {"by": "admin", "tags": ["a", "b"]}}, "reason": "customer corrected it"}
    done = admin.call("PATCH", f"/process-instances/{inst['id']}/variables", json=body, headers={"If-Match": tag})
    assert admin.last.status_code == 200, done
    assert done["variables"]["n"] == 21 and done["variables"]["note"] == {"by": "admin", "tags": ["a", "b"]}
    assert admin.last.headers["ETag"] != tag
    [entry] = audit_rows(rt, inst["id"], "variables_edited")
    assert entry.actor == "admin" and entry.detail["reason"] == "customer corrected it"
    assert entry.detail["changes"]["n"] == {"from": None, "to": 21}
    # the engine's data has it too: the script after the first task reads n
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{task['id']}/complete", json={"data": {}}, expect=200)
    assert agent.get(f"/process-instances/{inst['id']}", expect=200)["variables"]["result"] == 42


def test_patch_variables_errors(rt, login, two):
    agent, admin = login("agent"), login("admin")
    inst = start(agent, two)
    path = f"/process-instances/{inst['id']}/variables"
    admin.get(f"/process-instances/{inst['id']}", expect=200)
    tag = admin.last.headers["ETag"]

    def patch(body: Any, headers: dict[str, str] | None = None, expect: int = 422, api=admin) -> Any:
        return api.call(
            "PATCH", path, json=body, headers={"If-Match": tag} if headers is None else headers, expect=expect
        )

    err = patch({"set": {"n": 1}, "reason": "r"}, headers={}, expect=428)
    assert err["error"]["code"] == "if_match_required" and field_of(err) == ["If-Match"]
    for stale in ('"999999-1"', f'"{inst["id"]}-999"', "garbage", "*"):
        assert patch({"set": {"n": 1}, "reason": "r"}, headers={"If-Match": stale}, expect=409)["error"]["code"] == (
            "instance_changed"
        )
    for bad in (
        "1x",
        "_product_effects",
        "__class__",
        "class",
        "a-b",
        "registration_number",
        "x" * 101,
        "now_iso",
        "len",
    ):
        err = patch({"set": {bad: 1}, "reason": "r"})
        assert field_of(err) == [bad], bad
    assert field_of(patch({"set": {"n": 1}})) == ["reason"]
    assert field_of(patch({"set": {}, "reason": "r"})) == ["set"]
    assert field_of(patch({"set": [1], "reason": "r"})) == ["set"]
    patch({"set": {"n": float("nan")}, "reason": "r"}, expect=400)  # not JSON: the body is refused
    patch({"set": {"n": 1}, "reason": "r"}, api=agent, expect=403)
    patch({"set": {"n": 1}, "reason": "r"}, api=login(None), expect=401)
    admin.call("PATCH", "/process-instances/777777/variables", json={"set": {"n": 1}, "reason": "r"}, expect=404)
    admin.post(f"/process-instances/{inst['id']}/terminate", json={"reason": "done"}, expect=200)
    admin.get(f"/process-instances/{inst['id']}", expect=200)
    tag = admin.last.headers["ETag"]
    assert patch({"set": {"n": 1}, "reason": "r"}, expect=409)["error"]["code"] == "instance_state"
    assert audit_rows(rt, inst["id"], "variables_edited") == []


def test_complaint_facts_keep_the_intake_schema(login):
    admin = login("admin")
    inst = start(login("agent"), "complaint_handling", INTAKE)
    path = f"/process-instances/{inst['id']}/variables"

    def patch(changes: dict[str, Any], expect: int) -> Any:
        admin.get(f"/process-instances/{inst['id']}", expect=200)
        headers = {"If-Match": admin.last.headers["ETag"]}
        return admin.call("PATCH", path, json={"set": changes, "reason": "fix"}, headers=headers, expect=expect)

    err = patch({"complainant": {"name": "张三", "phone": "12345"}}, 422)
    assert field_of(err) == ["complainant.phone"]
    assert field_of(patch({"channel": "fax"}, 422)) == ["channel"]
    assert field_of(patch({"description": None}, 422)) == ["description"]  # required at intake
    done = patch({"complainant": {"name": "张三", "phone": "13900139000"}, "internal_note": "free"}, 200)
    assert done["variables"]["complainant"]["phone"] == "13900139000" and done["variables"]["internal_note"] == "free"


def test_two_patches_with_the_same_etag_one_wins_nothing_lost(app, rt, login, two):
    admin = login("admin")
    for round_ in range(4):
        inst = start(login("agent"), two)
        admin.get(f"/process-instances/{inst['id']}", expect=200)
        tag = admin.last.headers["ETag"]
        barrier = threading.Barrier(2)
        codes: dict[str, int] = {}

        def edit(who: str, inst_id: int = inst["id"], tag: str = tag, barrier=barrier, codes=codes) -> None:
            client = app.test_client()
            barrier.wait()
            r = client.patch(
                f"/api/v1/process-instances/{inst_id}/variables",
                json={"set": {"winner": who}, "reason": f"by {who}"},
                headers={**admin.headers, "If-Match": tag},
            )
            codes[who] = r.status_code

        threads = [threading.Thread(target=edit, args=(w,)) for w in ("left", "right")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(codes.values()) == [200, 409], (round_, codes)
        [winner] = [w for w, c in codes.items() if c == 200]
        full = admin.get(f"/process-instances/{inst['id']}", expect=200)
        assert full["variables"]["winner"] == winner  # the 200 is kept, the 409 changed nothing
        [entry] = audit_rows(rt, inst["id"], "variables_edited")
        assert entry.detail["reason"] == f"by {winner}"


# --- terminate with a reason ------------------------------------------------------------------------
def test_terminate_requires_a_reason_and_audits_it(rt, login, two):
    admin = login("admin")
    inst = start(login("agent"), two)
    path = f"/process-instances/{inst['id']}/terminate"
    assert field_of(admin.post(path, expect=422)) == ["reason"]
    assert field_of(admin.post(path, json={}, expect=422)) == ["reason"]
    assert field_of(admin.post(path, json={"reason": " "}, expect=422)) == ["reason"]
    assert field_of(admin.post(path, json={"reason": "x" * 2001}, expect=422)) == ["reason"]
    assert admin.get(f"/process-instances/{inst['id']}", expect=200)["status"] == "running"
    login("agent").post(path, json={"reason": "r"}, expect=403)
    login(None).post(path, json={"reason": "r"}, expect=401)
    admin.post("/process-instances/765432/terminate", json={"reason": "r"}, expect=404)
    done = admin.post(path, json={"reason": "duplicate of another case"}, expect=200)
    assert done["status"] == "terminated" and done["tasks"] == []
    [entry] = audit_rows(rt, inst["id"], "instance_terminated")
    assert entry.actor == "admin" and entry.detail == {"reason": "duplicate of another case"}
    assert admin.post(path, json={"reason": "again"}, expect=409)["error"]["code"] == "instance_state"


# --- the clock says which timers fired --------------------------------------------------------------
def test_moving_the_clock_lists_the_timers_that_fired(login):
    admin = login("admin")
    login("analyst").deploy(boundary("adm_clock", "PT1H", interrupting=True))
    inst = start(login("agent"), "adm_clock")
    moved = admin.post("/admin/clock", json={"advance_seconds": 3700}, expect=200)
    mine = [t for t in moved["timers"] if t["instance_id"] == inst["id"]]
    assert moved["fired"] >= 1 and len(mine) == 1
    assert mine[0]["element_id"] == "late" and mine[0]["name"] == "Reply late"
    assert mine[0]["business_key"] == inst["business_key"] and mine[0]["due_at"]


def test_openapi_documents_the_admin_actions(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/process-instances/{id}/variables"]["patch"]["responses"]) >= {"200", "409", "422", "428"}
    assert (
        "reason"
        in paths["/process-instances/{id}/terminate"]["post"]["requestBody"]["content"]["application/json"]["schema"][
            "required"
        ]
    )
    assert "/tasks/{id}/assign" in paths and "/process-instances/{id}/timers/{element_id}/fire" in paths

"""``Idempotency-Key`` on ``POST /process-instances``: a retried start never starts twice."""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.models import IdempotencyKey, ProcessInstance, User
from app.services import idempotency
from tests.diagrams import two_step
from tests.scenario.conftest import INTAKE

COMPLAINT = {"process_key": "complaint_handling", "variables": INTAKE}


def count(rt, key: str | None = None) -> int:
    with rt.sessions() as s:
        stmt = select(func.count()).select_from(ProcessInstance)
        if key:
            stmt = stmt.where(ProcessInstance.process_key == key)
        return s.scalar(stmt) or 0


def start(api, body, key: str | None, expect: int | None = None):
    headers = {idempotency.HEADER: key} if key is not None else {}
    return api.post("/process-instances", json=body, headers=headers, expect=expect)


def test_a_retry_with_the_same_key_gets_the_first_answer(rt, login):
    agent, key = login("agent"), str(uuid.uuid4())
    first = start(agent, COMPLAINT, key, expect=201)
    assert "Idempotent-Replayed" not in agent.last.headers
    before = count(rt)
    again = start(agent, {"variables": INTAKE, "process_key": "complaint_handling"}, key, expect=201)
    assert again == first and agent.last.headers["Idempotent-Replayed"] == "true"
    assert count(rt) == before
    # the answer is the first one even after the complaint moved on
    [task] = agent.get(f"/tasks?instance_id={first['id']}", expect=200)
    agent.post(
        f"/tasks/{task['id']}/complete",
        json={"data": {"record_confirmed": True, "acceptance_decision": "accepted", "promised_reply_hours": 24}},
        expect=200,
    )
    assert start(agent, COMPLAINT, key, expect=201) == first


def test_the_same_key_with_another_body_is_refused(rt, login):
    agent, key = login("agent"), str(uuid.uuid4())
    start(agent, COMPLAINT, key, expect=201)
    before = count(rt)
    other = {**COMPLAINT, "variables": {**INTAKE, "description": "另一个投诉"}}
    error = start(agent, other, key, expect=422)["error"]
    assert error["code"] == "idempotency_key_reused" and error["details"][0]["field"] == "Idempotency-Key"
    assert count(rt) == before


def test_keys_are_per_user_and_optional(rt, login):
    key = str(uuid.uuid4())
    a = start(login("agent"), COMPLAINT, key, expect=201)
    b = start(login("agent2"), COMPLAINT, key, expect=201)
    assert a["id"] != b["id"]
    c, d = start(login("agent"), COMPLAINT, None, expect=201), start(login("agent"), COMPLAINT, None, expect=201)
    assert c["id"] != d["id"]


def test_a_refused_start_is_not_remembered(rt, login):
    agent, key = login("agent"), str(uuid.uuid4())
    bad = {**COMPLAINT, "variables": {**INTAKE, "channel": "pigeon"}}
    start(agent, bad, key, expect=422)
    assert start(agent, COMPLAINT, key, expect=201)["status"] == "running"


def test_keys_expire_after_the_setting(rt, login, monkeypatch):
    monkeypatch.setattr(rt.settings, "idempotency_key_seconds", 60)
    login("analyst").deploy(two_step("idem_ttl"))
    agent, key = login("agent"), str(uuid.uuid4())
    body = {"process_key": "idem_ttl", "variables": {}}
    first = start(agent, body, key, expect=201)
    login("admin").post("/admin/clock", json={"advance_seconds": 30}, expect=200)
    assert start(agent, body, key, expect=201) == first
    login("admin").post("/admin/clock", json={"advance_seconds": 31}, expect=200)
    assert start(agent, body, key, expect=201)["id"] != first["id"]
    assert count(rt, "idem_ttl") == 2


def test_the_default_keeps_keys_for_24_hours(rt):
    assert rt.settings.idempotency_key_seconds == 24 * 3600


@pytest.mark.parametrize("bad", ["", " ", "x" * 201, "ключ", "a b"])
def test_a_malformed_key_is_refused_naming_the_header(rt, login, bad):
    before = count(rt)
    error = start(login("agent"), COMPLAINT, bad, expect=422)["error"]
    assert error["code"] == "bad_idempotency_key" and error["details"][0]["field"] == "Idempotency-Key"
    assert count(rt) == before


def test_the_database_holds_one_row_per_user_and_key(rt):
    with rt.sessions() as s:
        user_id = s.scalar(select(User.id).where(User.username == "agent"))
        now = utcnow()
        for _ in range(2):
            s.add(IdempotencyKey(user_id=user_id, key="dup", fingerprint="f", created_at=now, expires_at=now))
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()


def test_two_concurrent_retries_make_one_complaint(app, rt, login, monkeypatch):
    """Both requests look the key up before either stores it (on PostgreSQL a barrier holds them
    there; SQLite lets one writer at a time in, so there the second simply finds the first)."""
    racing = rt.db.dialect.name != "sqlite"
    barrier = threading.Barrier(2, timeout=20)
    seen = threading.local()
    real_find = idempotency._find

    def find_together(session, user, key):
        found = real_find(session, user, key)
        if racing and not getattr(seen, "waited", False):
            seen.waited = True
            barrier.wait()
        return found

    monkeypatch.setattr(idempotency, "_find", find_together)
    headers = {**login("agent").headers, idempotency.HEADER: str(uuid.uuid4())}
    before = count(rt)
    answers: list[tuple[int, dict, bool]] = []

    def retry() -> None:
        r = app.test_client().post("/api/v1/process-instances", json=COMPLAINT, headers=headers)
        answers.append((r.status_code, r.get_json(), "Idempotent-Replayed" in r.headers))

    threads = [threading.Thread(target=retry) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count(rt) == before + 1
    assert sorted(status for status, _, _ in answers) in ([201, 201], [201, 409]), answers
    winners = [body for status, body, replayed in answers if status == 201 and not replayed]
    assert len(winners) == 1
    assert all(body == winners[0] for status, body, _ in answers if status == 201)


def test_the_header_is_in_the_openapi_document(login):
    spec = login(None).get("/openapi.json", expect=200)
    operation = spec["paths"]["/process-instances"]["post"]
    [header] = [p for p in operation["parameters"] if p["name"] == "Idempotency-Key"]
    assert header["in"] == "header" and header["required"] is False
    assert "24" in header["description"]
    assert {"409", "415", "422"} <= set(operation["responses"])


def test_expired_keys_are_removed(rt, login, monkeypatch):
    monkeypatch.setattr(rt.settings, "idempotency_key_seconds", 10)
    login("analyst").deploy(two_step("idem_purge"))
    agent = login("agent")
    start(agent, {"process_key": "idem_purge"}, "old-key", expect=201)
    login("admin").post("/admin/clock", json={"advance_seconds": 11}, expect=200)
    start(agent, {"process_key": "idem_purge"}, "new-key", expect=201)
    with rt.sessions() as s:
        keys = set(s.scalars(select(IdempotencyKey.key)))
    assert "old-key" not in keys and "new-key" in keys

"""Login throttling, lockout, equal work for unknown users and an audit of failures (issue 6, item 9).

These run with the product's real limits (LOGIN_LIMIT_* and LOGIN_LOCKOUT_* defaults); only the
in-memory counters are emptied between tests."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from limits import parse_many
from sqlalchemy import select

from app.clock import clock
from app.config import Settings
from app.models import AuditEntry, User
from app.runtime import Runtime
from app.services import passwords
from app.throttle import limiter


@pytest.fixture
def hash_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password hash verified during the test (the expensive, timing-relevant step)."""
    seen: list[str] = []
    real = passwords.check_password_hash

    def counting(pwhash: str, password: str) -> bool:
        seen.append(pwhash)
        return real(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    return seen


def _token(client: Any, username: str, password: str, addr: str = "127.0.0.1") -> Any:
    return client.post(
        "/api/v1/auth/token",
        data=json.dumps({"username": username, "password": password}),  # ASCII: lone surrogates escaped
        content_type="application/json",
        environ_overrides={"REMOTE_ADDR": addr},
    )


def _first_limit(setting: str) -> int:
    """How many failures the tightest window of a LOGIN_LIMIT_* setting allows."""
    return min(item.amount for item in parse_many(setting))


def _failures(rt: Runtime, actor: str) -> list[AuditEntry]:
    with rt.sessions() as s:
        stmt = select(AuditEntry).where(AuditEntry.type == "login_failed", AuditEntry.actor == actor)
        return list(s.scalars(stmt.order_by(AuditEntry.id)))


def test_200_wrong_passwords_then_the_right_one_is_refused(client, make_user, hash_checks, rt: Runtime):
    name = make_user()
    allowed = _first_limit(rt.settings.login_limit_per_account)
    statuses = [_token(client, name, f"guess-{i}").status_code for i in range(200)]
    assert statuses == [401] * allowed + [429] * (200 - allowed)
    r = _token(client, name, name)
    assert r.status_code == 429
    error = r.get_json()["error"]
    assert error["code"] == "too_many_attempts" and "too many failed logins" in error["message"]
    assert len(hash_checks) == statuses.index(429)  # refused attempts cost no hashing


def test_the_login_form_is_throttled_too_and_shares_the_count(browser, client, make_user):
    name = make_user()
    b = browser()
    b.get("/login?lang=en")
    for _ in range(3):
        assert b.post_form("/login", {"username": name, "password": "wrong"}).status_code == 401
    statuses = [_token(client, name, "wrong").status_code for _ in range(5)]
    assert 429 in statuses
    r = b.post_form("/login", {"username": name, "password": name})
    assert r.status_code == 429
    assert "Too many failed logins" in r.get_data(as_text=True)
    assert b.client.get("/").status_code == 302  # not logged in


def test_one_address_is_throttled_whatever_names_it_tries(client, rt: Runtime):
    attacker, neighbour = "192.0.2.7", "192.0.2.8"
    allowed = _first_limit(rt.settings.login_limit_per_address)
    statuses = [_token(client, f"nobody{i}", "x", attacker).status_code for i in range(allowed + 3)]
    assert statuses == [401] * allowed + [429] * 3
    assert _token(client, "agent", "agent", attacker).status_code == 429
    assert _token(client, "agent", "agent", neighbour).status_code == 200


def test_successful_logins_are_never_throttled(client, make_user, rt: Runtime):
    name = make_user()
    more_than_allowed = _first_limit(rt.settings.login_limit_per_account) + 2
    assert [_token(client, name, name).status_code for _ in range(more_than_allowed)] == [200] * more_than_allowed


def test_consecutive_failures_lock_the_account_for_a_while(client, browser, make_user, rt: Runtime):
    """A slow or distributed guesser gets past the per-minute counters; the lockout is in the database."""
    name = make_user()
    threshold = rt.settings.login_lockout_threshold
    for _ in range(threshold):
        limiter.reset()  # as if each guess came from another address, minutes apart
        assert _token(client, name, "wrong").status_code == 401
    limiter.reset()
    r = _token(client, name, name)
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "account_locked"
    assert "locked" in r.get_json()["error"]["message"]
    with rt.sessions() as s:
        user = s.scalar(select(User).where(User.username == name))
        assert user is not None and user.failed_logins == threshold and user.locked_until is not None
    page = browser()
    page.get("/login?lang=en")
    r = page.post_form("/login", {"username": name, "password": name})  # the form says so too
    assert r.status_code == 429 and "this account is locked for a while" in r.get_data(as_text=True)
    rows = _failures(rt, name)
    assert [row.detail["reason"] for row in rows] == ["wrong_password"] * threshold + ["account_locked"] * 2
    assert "locked_until" in rows[threshold - 1].detail

    clock.advance(timedelta(seconds=rt.settings.login_lockout_seconds + 1))
    assert _token(client, name, name).status_code == 200
    with rt.sessions() as s:
        user = s.scalar(select(User).where(User.username == name))
        assert user is not None and user.failed_logins == 0 and user.locked_until is None


def test_lock_time_doubles_with_further_failures_up_to_the_maximum(client, make_user, rt: Runtime):
    name = make_user()
    s = rt.settings
    for _ in range(s.login_lockout_threshold):
        limiter.reset()
        _token(client, name, "wrong")
    clock.advance(timedelta(seconds=s.login_lockout_seconds + 1))
    limiter.reset()
    assert _token(client, name, "wrong").status_code == 401  # one more failure after the first lock
    with rt.sessions() as session:
        user = session.scalar(select(User).where(User.username == name))
        assert user is not None and user.locked_until is not None
        left = (user.locked_until - clock.now()).total_seconds()
    assert s.login_lockout_seconds * 2 - 5 < left <= min(s.login_lockout_seconds * 2, s.login_lockout_max_seconds)


@pytest.mark.parametrize(
    "username",
    ["nobody_here", "", "x" * 500, "<script>", "AGENT"],
)
def test_unknown_names_cost_the_same_password_check_as_known_ones(client, hash_checks, username):
    r = _token(client, username, "wrong")
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "bad_credentials"
    unknown = len(hash_checks)
    known = _token(client, "agent", "wrong")
    assert known.status_code == 401 and known.get_json() == r.get_json()
    assert unknown == 1 and len(hash_checks) == 2


@pytest.mark.parametrize("username", ["agent\x00", "\ud800"])
def test_names_that_are_not_text_are_refused_at_the_door_for_everyone(client, hash_checks, username):
    """Refused before any account is looked up, so the answer says nothing about who exists."""
    r = _token(client, username, "wrong")
    assert r.status_code == 422 and r.get_json()["error"]["details"][0]["field"] == "username"
    assert hash_checks == []


def test_inactive_accounts_are_checked_the_same_way(client, make_user, rt, hash_checks):
    name = make_user()
    with rt.sessions() as s:
        user = s.scalar(select(User).where(User.username == name))
        assert user is not None
        user.active = False
        s.commit()
    assert _token(client, name, name).status_code == 401
    assert len(hash_checks) == 1
    r = _token(client, "agent", "\ud800")  # a password that is not text: refused at the door
    assert r.status_code == 422 and r.get_json()["error"]["details"][0]["field"] == "password"
    assert len(hash_checks) == 1


def test_a_failed_login_leaves_an_audit_row_without_the_password(client, browser, make_user, rt: Runtime):
    name = make_user()
    _token(client, name, "s3cret-guess", "192.0.2.9")
    browser().post_form("/login", {"username": "no_such_user", "password": "another-guess"})
    (row,) = _failures(rt, name)
    assert row.detail == {"reason": "wrong_password", "address": "192.0.2.9"}
    assert row.instance_id is None
    (unknown,) = _failures(rt, "no_such_user")
    assert unknown.detail["reason"] == "unknown_user"
    for entry in (row, unknown):
        assert "guess" not in repr(entry.detail) and "guess" not in (entry.actor or "")


def test_a_hostile_user_name_is_audited_printable_and_short(client, rt: Runtime):
    _token(client, "evil\x1bname" + "x" * 300, "pw")
    with rt.sessions() as s:
        row = s.scalar(select(AuditEntry).where(AuditEntry.type == "login_failed").order_by(AuditEntry.id.desc()))
    assert row is not None and row.actor is not None
    assert len(row.actor) == 64 and row.actor.startswith("evil\ufffdname") and row.actor.isprintable()


def test_a_malformed_limit_setting_stops_start_up():
    from app import throttle

    with pytest.raises(RuntimeError, match="LOGIN_LIMIT_PER_ADDRESS"):
        throttle.init_app(Flask("probe"), Settings(login_limit_per_address="lots", secret_key="x" * 20))

"""Sessions and API tokens are revocable (issue 6, item 11): logout, password change and
deactivation make every earlier cookie and token of the user worthless."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from app.models import AuditEntry
from app.runtime import Runtime


def _token(client: Any, username: str, password: str | None = None) -> str:
    r = client.post("/api/v1/auth/token", json={"username": username, "password": password or username})
    assert r.status_code == 200, r.get_json()
    return r.get_json()["token"]


def _me(client: Any, token: str) -> Any:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def _revoked(r: Any) -> None:
    assert r.status_code == 401, r.get_data(as_text=True)
    assert r.get_json()["error"]["code"] == "token_revoked"


def _replayed_cookie(app: Flask, cookie: str) -> Any:
    """A new browser that presents an old session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_session_cookie_replayed_after_logout_is_refused(app, browser, make_user):
    name = make_user()
    b = browser(name)
    cookie = b.client.get_cookie("session").value
    assert _replayed_cookie(app, cookie).get("/").status_code == 200  # a copy works while logged in
    assert b.post_form("/logout").status_code == 302
    thief = _replayed_cookie(app, cookie)
    r = thief.get("/")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login")
    assert thief.get("/api/v1/me").status_code == 401


def test_web_logout_also_revokes_the_users_api_tokens(browser, client, make_user):
    name = make_user()
    token = _token(client, name)
    b = browser(name)
    b.post_form("/logout")
    _revoked(_me(client, token))


def test_api_logout_revokes_every_token_and_session(app, browser, client, make_user, rt: Runtime):
    name = make_user()
    first, second = _token(client, name), _token(client, name)
    b = browser(name)
    cookie = b.client.get_cookie("session").value
    r = client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {first}"})
    assert r.status_code == 200 and r.get_json() == {"revoked": True}
    _revoked(_me(client, first))
    _revoked(_me(client, second))
    assert _replayed_cookie(app, cookie).get("/api/v1/me").status_code == 401
    assert _me(client, _token(client, name)).status_code == 200  # logging in again works
    with rt.sessions() as s:
        row = s.scalar(select(AuditEntry).where(AuditEntry.type == "sessions_revoked", AuditEntry.actor == name))
        assert row is not None and row.detail == {"user": name, "reason": "logout"}


def test_password_change_revokes_old_tokens_and_returns_a_new_one(client, make_user):
    name = make_user()
    old = _token(client, name)
    r = client.post(
        "/api/v1/me/password",
        json={"current_password": name, "new_password": "a much better passphrase"},
        headers={"Authorization": f"Bearer {old}"},
    )
    assert r.status_code == 200, r.get_json()
    _revoked(_me(client, old))
    assert _me(client, r.get_json()["token"]).status_code == 200
    refused = client.post("/api/v1/auth/token", json={"username": name, "password": name})
    assert refused.status_code == 401
    assert _me(client, _token(client, name, "a much better passphrase")).status_code == 200


def test_password_change_in_the_browser_keeps_this_session_only(app, browser, make_user):
    name = make_user()
    b, other = browser(name), browser(name)
    me = b.client.get("/api/v1/me").get_json()
    r = b.client.post(
        "/api/v1/me/password",
        json={"current_password": name, "new_password": "a much better passphrase"},
        headers={"X-CSRF-Token": me["csrf_token"]},
    )
    assert r.status_code == 200, r.get_json()
    assert b.client.get("/").status_code == 200
    assert other.client.get("/").status_code == 302


def test_password_change_refuses_a_wrong_current_or_weak_new_password(client, make_user):
    name = make_user()
    auth = {"Authorization": f"Bearer {_token(client, name)}"}
    cases = [
        ({"current_password": "wrong", "new_password": "a much better passphrase"}, "current_password"),
        ({"current_password": name, "new_password": "short"}, "new_password"),
        ({"current_password": name, "new_password": name}, "new_password"),
    ]
    for body, field in cases:
        r = client.post("/api/v1/me/password", json=body, headers=auth)
        assert r.status_code == 422 and r.get_json()["error"]["details"][0]["field"] == field
    r = client.post("/api/v1/me/password", json={"current_password": name}, headers=auth)
    assert r.status_code == 400 and r.get_json()["error"]["details"] == [
        {"field": "new_password", "message": "required string"}
    ]
    assert _me(client, auth["Authorization"][7:]).status_code == 200  # nothing was revoked


def test_deactivation_revokes_tokens_and_sessions(app, browser, client, make_user):
    name = make_user()
    token = _token(client, name)
    b = browser(name)
    result = app.test_cli_runner().invoke(args=["users", "deactivate", name])
    assert result.exit_code == 0, result.output
    _revoked(_me(client, token))
    assert b.client.get("/").status_code == 302
    assert client.post("/api/v1/auth/token", json={"username": name, "password": name}).status_code == 401


def test_admin_can_revoke_and_reset_from_the_command_line(app, client, make_user):
    name = make_user()
    token = _token(client, name)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "revoke", name]).exit_code == 0
    _revoked(_me(client, token))
    token = _token(client, name)
    result = runner.invoke(args=["users", "set-password", name], input="correct horse battery\n" * 2)
    assert result.exit_code == 0, result.output
    _revoked(_me(client, token))
    assert _me(client, _token(client, name, "correct horse battery")).status_code == 200
    assert runner.invoke(args=["users", "revoke", "nobody_by_that_name"]).exit_code != 0


def test_a_token_without_a_session_version_is_refused(app, client, make_user, rt: Runtime):
    """Tokens signed before this version carried no session version: they no longer count."""
    from itsdangerous import URLSafeTimedSerializer

    name = make_user()
    uid = client.get("/api/v1/me", headers={"Authorization": f"Bearer {_token(client, name)}"}).get_json()
    assert uid["username"] == name
    with rt.sessions() as s:
        from app.models import User

        user_id = s.scalar(select(User.id).where(User.username == name))
    legacy = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="api-token").dumps({"uid": user_id})
    r = _me(client, legacy)
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "bad_token"

"""Role-table rows of the account area: signing in and out, one's own account and notifications, and
what is open to everyone (health, the OpenAPI contract, the login page's files). ``tests/role_table.py``
explains the words; ``tests/role_rows.py`` assembles the areas.

A new page or form action of this area: a row at the end of ``PAGES``; a new API endpoint: at the end of
``ENDPOINTS``."""

from __future__ import annotations

from tests.role_table import V1, any_user, public, row

PAGES = [
    public("GET", "/login", reason="the way in"),
    public("POST", "/login", form={"username": "hr", "password": "hr"}, reason="the way in"),
    public("POST", "/logout", reason="ends the session if there is one", lands_on_login=True),
    public("GET", "/web-static/<path:filename>", "/web-static/style.css", reason="CSS and scripts of the login page"),
    any_user("GET", "/notifications", reason="the user's own notifications"),
    row(
        "POST",
        "/notifications/<int:notification_id>/read",
        "/notifications/{notification}/read",
        "login ok 404 404 404",
        "only its addressee (agent)",
    ),
    any_user("POST", "/notifications/read-all", reason="the user's own notifications"),
    any_user("GET", "/findings", reason="one's own responsibility findings (rule 7.4)"),
    row(
        "POST",
        "/findings/<int:finding_id>/appeal",
        "/findings/999999/appeal",
        "login 404 404 404 404",
        "only the employee a finding names appeals it; nobody sees an unknown one",
        form={"appeal_reason": "不是我的责任"},
    ),
]

ENDPOINTS = [
    public("GET", f"{V1}/health", reason="for load balancers and monitoring"),
    public("GET", f"{V1}/openapi.json", reason="the published contract"),
    public("POST", f"{V1}/auth/token", json={"username": "hr", "password": "hr"}, reason="the way in"),
    any_user("POST", f"{V1}/auth/logout", reason="one's own sessions"),
    any_user("GET", f"{V1}/me", reason="one's own account"),
    row(
        "POST",
        f"{V1}/me/password",
        None,
        "401 422 422 422 422",
        "one's own password; a too short new one, so the demo passwords stay",
        json={"current_password": "wrong", "new_password": "short"},
    ),
    any_user("GET", f"{V1}/notifications", reason="the user's own notifications"),
    row(
        "POST",
        f"{V1}/notifications/<int:notification_id>/read",
        f"{V1}/notifications/{{notification}}/read",
        "401 ok 404 404 404",
        "only its addressee (agent)",
    ),
    any_user("POST", f"{V1}/notifications/read-all", reason="the user's own notifications"),
    any_user("GET", f"{V1}/findings", reason="one's own responsibility findings (rule 7.4)"),
    row(
        "GET",
        f"{V1}/findings/<int:finding_id>",
        f"{V1}/findings/999999",
        "401 404 404 404 404",
        "the employee it names, supervision, HR, admins; nobody sees an unknown one",
    ),
    row(
        "POST",
        f"{V1}/findings/<int:finding_id>/appeal",
        f"{V1}/findings/999999/appeal",
        "401 404 404 404 404",
        "only the employee a finding names appeals it; nobody sees an unknown one",
        json={"appeal_reason": "不是我的责任"},
    ),
]

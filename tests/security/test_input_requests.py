"""Path ids, query parameters and the clock endpoint: hostile values get 4xx, never a 500.

The sweep at the end takes every route of the application's URL map (API and pages) and sends
it hostile path values and query strings; it runs on whichever database the suite uses.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.routing import Rule

from app import create_app
from app.config import Settings
from tests.security.request_helpers import browser

ROOT = Path(__file__).resolve().parents[2]
HUGE_IDS = ["2147483648", "9223372036854775808", "99999999999999999999", "9" * 5000]


@pytest.mark.parametrize("value", HUGE_IDS)
def test_huge_path_ids_are_unknown(login, value):
    admin = login("admin")
    admin.get(f"/process-instances/{value}", expect=404)
    admin.get(f"/process-definitions/complaint_handling/versions/{value}/xml", expect=404)
    admin.post(f"/process-instances/{value}/suspend", expect=404)
    admin.post(f"/notifications/{value}/read", expect=404)


@pytest.mark.parametrize("value", HUGE_IDS[:3])
@pytest.mark.parametrize("name", ["instance_id", "page", "per_page"])
def test_huge_integer_query_parameters_are_refused_naming_them(login, name, value):
    path = "/tasks" if name == "instance_id" else "/process-instances"
    answer = login("agent").get(f"{path}?{name}={value}", expect=400)
    assert answer["error"]["details"][0]["field"] == name


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=%C2%B2", "page=2147483648"])
def test_instance_list_page_refuses_numbers_the_database_cannot_hold(app, query):
    agent = browser(app, "agent")
    page = agent.text(f"/instances?{query}", expect=400)
    assert "page" in page
    agent.get("/instances?page=abc")  # words still fall back to the first page


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/process-instances?process_key=%00",
        "/api/v1/process-instances?business_key=a%00b",
        "/api/v1/tasks?scope=%00",
        "/api/v1/notifications?unread=%00",
        "/instances?status=%00",
        "/?scope=%00",
    ],
)
def test_nul_in_a_query_string_is_a_bad_request(app, login, path):
    if path.startswith("/api/"):
        answer = login("admin").get(path.removeprefix("/api/v1"), expect=400)
        assert answer["error"]["code"] == "bad_parameter" and answer["error"]["details"][0]["field"]
    else:
        browser(app, "admin").get(path, expect=400)


@pytest.mark.parametrize(
    "path",
    ["/api/v1/tasks/%00", "/api/v1/tasks/a%00/claim", "/tasks/%00", "/start/%00", "/api/v1/process-instances/%00"],
)
def test_nul_in_a_path_segment_is_unknown(app, login, path):
    if path.startswith("/api/"):
        method = "POST" if path.endswith("claim") else "GET"
        login("admin").call(method, path.removeprefix("/api/v1"), expect=404)
    else:
        browser(app, "admin").get(path, expect=404)


# --- the simulated clock ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        {"advance_seconds": 1e308},
        {"advance_seconds": 10**30},
        {"advance_seconds": 3661 * 86400},
        {"now": "9999-12-31T23:59:59+00:00"},
    ],
)
def test_the_clock_refuses_moves_beyond_the_limit(login, body):
    admin = login("admin")
    before = admin.get("/admin/clock", expect=200)["now"]
    answer = admin.post("/admin/clock", json=body, expect=422)
    assert answer["error"]["code"] == "invalid_clock"
    assert answer["error"]["details"][0]["field"] == next(iter(body))
    after = admin.get("/admin/clock", expect=200)["now"]
    assert datetime.fromisoformat(after) - datetime.fromisoformat(before) < timedelta(minutes=1)  # not moved


def test_the_clock_limit_is_a_setting(rt, login, monkeypatch):
    monkeypatch.setattr(rt.settings, "max_clock_advance_days", 1)
    admin = login("admin")
    admin.post("/admin/clock", json={"advance_seconds": 2 * 86400}, expect=422)
    admin.post("/admin/clock", json={"advance_seconds": 60}, expect=200)


# --- the sweep: every route, hostile path values and query strings ----------------------------
def _query_parameters() -> list[str]:
    """Every query parameter name the product reads (from its source)."""
    found: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        found |= set(re.findall(r"args\.get\(\s*\"(\w+)\"", text))
        found |= set(re.findall(r"int_arg\(\s*\"(\w+)\"", text))
        found |= set(re.findall(r"values\.get\(\s*\"(\w+)\"", text))
    return sorted(found)


def _rules() -> list[Rule]:
    app = create_app(Settings(database_url="sqlite://", secret_key="x" * 32, scheduler_enabled=False, testing=True))
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: r.rule,
    )


RULES = _rules()
PATH_VALUES = {
    "int": ["0", "2147483648", "9223372036854775808", "99999999999999999999", "9" * 5000],
    "default": ["%00", "a%00b", "%ED%A0%80", "x" * 5000, "..%2F..%2Fetc", "%C2%B2"],
}
QUERIES = [
    "&".join(f"{n}=99999999999999999999" for n in _query_parameters()),
    "&".join(f"{n}=9223372036854775808" for n in _query_parameters()),
    "&".join(f"{n}=%00" for n in _query_parameters()),
    "&".join(f"{n}=%ED%A0%80" for n in _query_parameters()),
    "&".join(f"{n}=-1" for n in _query_parameters()),
    "&".join(f"{n}=%C2%B2" for n in _query_parameters()),
]


def _paths(rule: Rule) -> list[str]:
    """The rule's URL with each argument in turn hostile (the others a plain value)."""
    plain = {name: "1" for name in rule.arguments}
    out = [rule.rule]
    for name in sorted(rule.arguments):
        kind = "int" if f"<int:{name}>" in rule.rule else "default"
        for value in PATH_VALUES[kind]:
            out.append(_build(rule.rule, {**plain, name: value}))
    return [_build(p, plain) for p in out]


def _build(template: str, values: dict[str, str]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values.get(m.group(1), m.group(0)), template)


@pytest.fixture
def callers(app, login):
    return {"api": login("admin"), "web": browser(app, "admin")}


@pytest.mark.parametrize("rule", RULES, ids=[f"{sorted(r.methods - {'HEAD', 'OPTIONS'})}{r.rule}" for r in RULES])
def test_no_route_answers_500_to_hostile_ids_and_queries(app: Flask, callers, rule):
    api, web = callers["api"], callers["web"]
    methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    for path in _paths(rule):
        for query in ["", *QUERIES]:
            url = f"{path}?{query}" if query else path
            for method in methods:
                if path.startswith("/api/"):
                    headers = {**api.headers, "Content-Type": "application/json"}
                    for data in (b"{}", deep) if method == "POST" else (None,):
                        r = api.client.open(url, method=method, headers=headers, data=data)
                        assert r.status_code < 500, (method, url[:200], r.status_code, r.get_data(as_text=True)[:300])
                else:
                    data = {"csrf_token": web.token} if method == "POST" else None
                    r = web.client.open(url, method=method, data=data)
                    assert r.status_code < 500, (method, url[:200], r.status_code, r.get_data(as_text=True)[:300])

"""The console's overview pages: definitions with the heat map's data, incidents with retry,
the admin dashboard, who may open them, and where each role lands after login."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from app.models import Incident, ProcessInstance
from app.runtime import Runtime
from app.web.presenters import local_time
from tests.console_helpers import UPSTREAM_DOWN, Upstream, failing_case, registry_lookup, stats_diagram
from tests.timers.diagrams import boundary


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    yield from registry_lookup()


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def row(page: str, pattern: str) -> str:
    found = re.search(rf"<tr {pattern}.*?</tr>", page, re.S)
    assert found, f"no row {pattern}"
    return found.group(0)


def flashes(page: str) -> list[tuple[str, str]]:
    return [(c, text_of(t)) for c, t in re.findall(r'<p class="flash flash-(\w+)" role="status">(.*?)</p>', page, re.S)]


# --- who may open what, and where each role lands ------------------------------------------
@pytest.mark.parametrize(
    ("username", "allowed"),
    [
        ("agent", set()),
        ("manager", set()),
        ("analyst", {"/definitions"}),
        ("admin", {"/definitions", "/incidents", "/dashboard"}),
    ],
)
def test_pages_are_refused_to_roles_that_may_not_use_them(web_login, username, allowed):
    user = web_login(username, lang="en")
    for path in ("/definitions", "/incidents", "/dashboard"):
        r = user.get(path, expect=None)
        assert r.status_code == (200 if path in allowed else 403), (username, path)
        if r.status_code == 403:
            page = r.get_data(as_text=True)
            assert "Not allowed" in page
            who = "analysts and administrators" if path == "/definitions" else "Only administrators"
            assert who in page
    if "/incidents" not in allowed:
        assert user.post("/incidents/1/retry", expect=403)
    menu = re.search(r'<nav class="mainnav">.*?</nav>', user.text("/?scope=group"), re.S)
    assert menu
    for path, link_id in (("/definitions", "nav-definitions"), ("/incidents", "nav-incidents")):
        assert (f'id="{link_id}"' in menu.group(0)) == (path in allowed)


def test_anonymous_visitors_are_sent_to_login(client):
    for path in ("/definitions", "/incidents", "/dashboard"):
        r = client.get(path)
        assert r.status_code == 302 and r.headers["Location"].startswith(f"/login?next={path}")


def test_admins_land_on_the_dashboard_analysts_on_the_workbench_handlers_on_the_inbox(app):
    for username, landing in (("admin", "/dashboard"), ("analyst", "/workbench"), ("agent", None)):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        r = client.post("/login", data={"username": username, "password": username, "csrf_token": token})
        assert r.headers["Location"] == "/"
        home = client.get("/")
        if landing is None:
            assert home.status_code == 200 and 'href="/?scope=mine"' in home.get_data(as_text=True)
        else:
            assert (home.status_code, home.headers["Location"]) == (302, landing)
            inbox = client.get("/?scope=group")  # the inbox, asked for explicitly, still opens
            assert inbox.status_code == 200
            assert 'href="/?scope=group" aria-current="page"' in inbox.get_data(as_text=True)


# --- definitions ---------------------------------------------------------------------------
def test_definitions_page_lists_versions_with_counts_and_the_chosen_versions_tokens(login, web_login, monkeypatch):
    from app.services import definition_stats

    monkeypatch.setattr(definition_stats, "VERSIONS_PER_STATEMENT", 1)  # each version's counts in its own statement
    analyst, agent = login("analyst"), login("agent")
    analyst.deploy(stats_diagram("web_defs"))
    analyst.deploy(stats_diagram("web_defs", script="total = amount + 2"))
    for _ in range(2):
        agent.post("/process-instances", json={"process_key": "web_defs", "variables": {}}, expect=201)
    inst = agent.post("/process-instances", json={"process_key": "web_defs", "variables": {}}, expect=201)
    [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
    agent.post(f"/tasks/{task['id']}/complete", json={"data": {"amount": "x"}}, expect=200)

    user = web_login("analyst", lang="en")
    page = user.text("/definitions?key=web_defs&version=2")
    v2 = row(page, 'data-key="web_defs" data-version="2"')
    assert "analyst" in v2 and 'aria-current="true"' in v2
    counts = dict(re.findall(r'data-status="(\w+)">([^<]*)<', v2))
    assert counts == {"running": "2", "completed": "0", "suspended": "0", "terminated": "0", "error": "1"}
    v1 = row(page, 'data-key="web_defs" data-version="1"')
    assert re.findall(r'data-status="\w+">([^<]*)<', v1) == ["0"] * 5
    heatmap = re.search(r'<div id="heatmap"[^>]*>', page, re.S).group(0)
    assert 'data-stats-url="/api/v1/process-definitions/web_defs/versions/2/statistics"' in heatmap
    assert 'data-xml-url="/api/v1/process-definitions/web_defs/versions/2/xml"' in heatmap
    assert "js/definition_heatmap.js" in page and "bpmn-navigated-viewer.production.min.js" in page
    first = text_of(row(page, 'data-element="first"'))
    assert first == "First step first 2 0"
    assert text_of(row(page, 'data-element="script"')) == "Compute script 0 1"
    assert 'class="num failed has-failed"' in row(page, 'data-element="script"')
    assert text_of(row(page, 'data-element="remind"')) == "Remind remind 2 0"

    xml = user.get("/api/v1/process-definitions/web_defs/versions/2/xml")
    assert xml.headers["Content-Disposition"].startswith("attachment")
    assert xml.headers["X-Content-Type-Options"] == "nosniff"
    assert b'script="total = amount + 2"' in xml.data or b"amount + 2" in xml.data
    assert user.get("/definitions?key=web_defs&version=7", expect=404)
    assert user.get("/definitions?key=web_defs&version=x", expect=200)  # not a version: the default choice


def test_definitions_page_in_chinese_names_the_columns(login, web_login):
    login("analyst").deploy(stats_diagram("web_defs_zh"))
    page = web_login("analyst").text("/definitions?key=web_defs_zh&version=1")
    assert 'lang="zh-CN"' in page and "下载 XML" in page and "各元素的令牌" in page


# --- incidents -----------------------------------------------------------------------------
def test_incidents_page_names_the_element_and_retry_fails_again_in_red_then_succeeds(
    rt: Runtime, login: Any, web_login: Any, upstream: Any
) -> None:
    inst = failing_case(login("admin"))
    with rt.sessions() as s:
        incident = s.scalars(select(Incident).where(Incident.instance_id == inst["id"])).one()
    admin = web_login("admin", lang="en")
    page = admin.text("/incidents")
    line = row(page, f'data-incident-id="{incident.id}"')
    assert inst["business_key"] in line and f'href="/instances/{inst["id"]}"' in line
    assert "Call <code>svc</code>" in line  # the element's name from the diagram, then its id
    assert UPSTREAM_DOWN in line and local_time(incident.created_at) in line
    assert 'id="incidents-count">(1)' in page

    failed = admin.post(f"/incidents/{inst['id']}/retry", expect=302)
    assert failed.headers["Location"] == "/incidents"
    page = admin.text("/incidents")
    [(category, message)] = flashes(page)
    assert category == "error" and "The retry failed again" in message and UPSTREAM_DOWN in message
    assert f'data-instance-id="{inst["id"]}"' in page  # still failing: still listed (its new incident)

    upstream.up = True
    admin.post(f"/incidents/{inst['id']}/retry", expect=302)
    page = admin.text("/incidents")
    [(category, message)] = flashes(page)
    assert category == "success" and "Running" in message
    assert f'data-instance-id="{inst["id"]}"' not in page and "No open incidents." in page
    with rt.sessions() as s:
        assert s.get(ProcessInstance, inst["id"]).status == "running"


def test_retrying_an_instance_that_is_not_in_error_is_a_409(login, web_login):
    admin = web_login("admin", lang="en")
    login("admin").deploy(stats_diagram("web_not_failed"))
    ok = login("agent").post("/process-instances", json={"process_key": "web_not_failed", "variables": {}}, expect=201)
    r = admin.post(f"/incidents/{ok['id']}/retry", expect=409)
    assert "current state" in r.get_data(as_text=True)
    assert admin.post("/incidents/999999/retry", expect=404)


def test_incidents_page_is_newest_first_in_bounded_pages(rt, login, web_login, upstream, monkeypatch):
    from app.services import incident_lists

    monkeypatch.setattr(incident_lists, "DEFAULT_LIMIT", 2)
    admin_api = login("admin")
    ids = [failing_case(admin_api)["id"] for _ in range(3)]
    user = web_login("admin", lang="en")
    first = user.text("/incidents")
    assert re.findall(r'<tr data-incident-id="\d+" data-instance-id="(\d+)"', first) == [str(ids[2]), str(ids[1])]
    link = re.search(r'<a id="next-page" rel="next" href="([^"]+)"', first)
    assert link
    second = user.text(html.unescape(link.group(1)))
    assert re.findall(r'<tr data-incident-id="\d+" data-instance-id="(\d+)"', second) == [str(ids[0])]
    assert 'id="next-page"' not in second
    assert user.get("/incidents?cursor=nonsense", expect=400)


# --- the admin dashboard -------------------------------------------------------------------
def test_dashboard_shows_incidents_overdue_tasks_and_running_cases(rt, login, web_login, upstream):
    admin_api, analyst, agent = login("admin"), login("analyst"), login("agent")
    failing = failing_case(admin_api)
    analyst.deploy(boundary("web_dash_late", "PT1H", interrupting=True))
    late = agent.post("/process-instances", json={"process_key": "web_dash_late", "variables": {}}, expect=201)
    agent.post("/process-instances", json={"process_key": "web_dash_late", "variables": {}}, expect=201)
    admin_api.post(f"/process-instances/{late['id']}/suspend", expect=200)  # its timer will not fire
    assert admin_api.post("/admin/clock", json={"advance_seconds": 2 * 3600}, expect=200)["fired"] >= 1

    page = web_login("admin", lang="en").text("/dashboard")
    incidents = re.search(r'<section class="card" id="dash-incidents">.*?</section>', page, re.S).group(0)
    assert '<span class="figure bad">1</span>' in incidents
    assert failing["business_key"] in incidents and "Call" in incidents and UPSTREAM_DOWN in incidents
    overdue = re.search(r'<section class="card" id="dash-overdue">.*?</section>', page, re.S).group(0)
    assert late["business_key"] in text_of(overdue) and "Reply" in overdue
    running = row(page, 'data-key="web_dash_late"')
    assert text_of(running).endswith(" 1")  # the other one escalated and still runs; the late one is suspended
    assert 'href="/?scope=all"' in page

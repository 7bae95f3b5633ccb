"""The admin block of the case page and the header's simulated clock, through the browser
session (no JS): reassign, fire a timer, edit a variable, terminate, retry; refusals in red."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from sqlalchemy import select

from app.models import AuditEntry, ProcessInstance, TaskRecord, TimerRecord
from tests.diagrams import with_service
from tests.timers.diagrams import boundary

LOCK = re.compile(r'name="lock_version" value="(\d+)"')

# sla_deadlines called with every parameter it needs, its received_at an unknown variable: fails at run time
FAILING_SLA_CALL = {"received_at": "subject", "severity_grade": "'general'", "handling_hours": "24"}


def start(login, key: str, variables: dict[str, Any] | None = None, who: str = "agent") -> int:
    inst = login(who).post("/process-instances", json={"process_key": key, "variables": variables or {}}, expect=201)
    return int(inst["id"])


def flashes(page: str, category: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(rf'<p class="flash flash-{category}"[^>]*>(.*?)</p>', page, re.S)]


def one(rt, model: Any, **where: Any) -> Any:
    with rt.sessions() as s:
        return s.scalars(select(model).filter_by(**where)).one()


@pytest.fixture
def case(login) -> int:
    login("analyst").deploy(boundary("web_adm", "PT24H", interrupting=True))
    return start(login, "web_adm")


def test_admin_sees_the_console_and_others_do_not(web_login, case):
    page = web_login("admin", lang="en").text(f"/instances/{case}")
    assert 'id="admin-console"' in page
    block = page.split('id="admin-assign"', 1)[1].split("</form>", 1)[0]
    offered = set(re.findall(r'<option value="([^"]+)"', block))
    assert {"agent", "agent2"} <= offered and not offered & {"quality", "manager", "admin", "analyst"}
    assert f'action="/instances/{case}/timers/late/fire"' in page
    assert LOCK.search(page) and 'name="confirm" value="yes"' in page
    agent_page = web_login("agent").text(f"/instances/{case}")
    assert 'id="admin-console"' not in agent_page and "clock-controls" not in agent_page


def test_reassign_from_the_case_page(rt, web_login, case):
    admin = web_login("admin", lang="en")
    task = one(rt, TaskRecord, instance_id=case, state="ready")
    r = admin.post(f"/instances/{case}/tasks/{task.id}/assign", {"username": "agent2", "reason": "leave"}, expect=302)
    page = admin.text(r.headers["Location"])
    assert flashes(page, "success") == ["“Reply” is now assigned to agent2."]
    assert one(rt, TaskRecord, id=task.id).assignee == "agent2"
    r = admin.post(f"/instances/{case}/tasks/{task.id}/assign", {"username": "quality", "reason": "x"}, expect=422)
    assert "may not act on the task" in flashes(r.get_data(as_text=True), "error")[0]
    r = admin.post(f"/instances/{case}/tasks/{task.id}/assign", {"username": "agent"}, expect=422)
    assert "Give a reason" in flashes(r.get_data(as_text=True), "error")[0]
    assert one(rt, TaskRecord, id=task.id).assignee == "agent2"
    admin.post(f"/instances/{case + 1000}/tasks/{task.id}/assign", {"username": "agent", "reason": "x"}, expect=404)


def test_fire_a_timer_from_the_case_page(rt, web_login, case):
    admin = web_login("admin", lang="en")
    r = admin.post(f"/instances/{case}/timers/late/fire", expect=302)
    page = admin.text(r.headers["Location"])
    assert flashes(page, "success") == ["Timer “Reply late” fired."]
    assert one(rt, TimerRecord, instance_id=case).status == "fired"
    assert one(rt, TaskRecord, instance_id=case, state="ready").element_id == "escalated"
    r = admin.post(f"/instances/{case}/timers/late/fire", expect=404)
    assert "no longer waiting" in flashes(r.get_data(as_text=True), "error")[0]


def test_edit_a_variable_under_the_lock(rt, web_login, case):
    admin = web_login("admin", lang="en")
    version = LOCK.search(admin.text(f"/instances/{case}")).group(1)
    form = {"name": "priority", "value": '{"level": 2}', "reason": "asked by the manager", "lock_version": version}
    r = admin.post(f"/instances/{case}/variables", form, expect=302)
    assert flashes(admin.text(r.headers["Location"]), "success") == ["Variable “priority” saved."]
    assert one(rt, ProcessInstance, id=case).variables["priority"] == {"level": 2}
    entry = one(rt, AuditEntry, instance_id=case, type="variables_edited")
    assert entry.actor == "admin" and entry.detail["reason"] == "asked by the manager"
    # the same (now stale) version again: 409, nothing saved
    r = admin.post(f"/instances/{case}/variables", {**form, "value": "3"}, expect=409)
    assert "changed by someone else" in flashes(r.get_data(as_text=True), "error")[0]
    assert one(rt, ProcessInstance, id=case).variables["priority"] == {"level": 2}
    fresh = LOCK.search(r.get_data(as_text=True)).group(1)
    assert fresh != version
    r = admin.post(f"/instances/{case}/variables", {**form, "lock_version": fresh, "value": "{oops"}, expect=422)
    assert "must be JSON" in flashes(r.get_data(as_text=True), "error")[0]
    r = admin.post(f"/instances/{case}/variables", {**form, "lock_version": fresh, "name": "_x"}, expect=422)
    assert "_x" in flashes(r.get_data(as_text=True), "error")[0]


def test_terminate_needs_a_confirmation_and_a_reason(rt, web_login, case):
    admin = web_login("admin", lang="en")
    r = admin.post(f"/instances/{case}/terminate", {"reason": "duplicate"}, expect=422)
    assert "I confirm" in flashes(r.get_data(as_text=True), "error")[0]
    r = admin.post(f"/instances/{case}/terminate", {"confirm": "yes", "reason": " "}, expect=422)
    assert "Give a reason" in flashes(r.get_data(as_text=True), "error")[0]
    assert one(rt, ProcessInstance, id=case).status == "running"
    r = admin.post(f"/instances/{case}/terminate", {"confirm": "yes", "reason": "duplicate"}, expect=302)
    page = admin.text(r.headers["Location"])
    assert flashes(page, "success") == ["Done: the instance is now Terminated."]
    assert one(rt, AuditEntry, instance_id=case, type="instance_terminated").detail == {"reason": "duplicate"}
    assert 'id="admin-terminate"' not in page


def test_a_retry_that_fails_again_is_said_in_red(web_login, login):
    login("analyst").deploy(with_service("web_adm_svc", "sla_deadlines", FAILING_SLA_CALL))
    case = start(login, "web_adm_svc", {"subject": "nonsense"}, who="admin")
    admin = web_login("admin", lang="en")
    r = admin.post(f"/instances/{case}/retry", expect=302)
    page = admin.text(r.headers["Location"])
    [message] = flashes(page, "error")
    assert message.startswith("The retry failed again:") and "nonsense" in message
    assert flashes(page, "success") == []


def test_admin_routes_refuse_other_roles(rt, web_login, login, case):
    task = one(rt, TaskRecord, instance_id=case, state="ready")
    agent = web_login("agent")
    for path, form in (
        (f"/instances/{case}/tasks/{task.id}/assign", {"username": "agent2", "reason": "r"}),
        (f"/instances/{case}/timers/late/fire", {}),
        (f"/instances/{case}/variables", {"name": "a", "value": "1", "reason": "r", "lock_version": "1"}),
        (f"/instances/{case}/terminate", {"confirm": "yes", "reason": "r"}),
        (f"/instances/{case}/retry", {}),
        ("/admin/clock", {"move": "hour"}),
    ):
        agent.post(path, form, expect=403)
    assert one(rt, ProcessInstance, id=case).status == "running"
    assert one(rt, TaskRecord, id=task.id).assignee is None


def test_header_clock_moves_an_hour_and_lists_the_fired_timers(web_login, login):
    login("analyst").deploy(boundary("web_adm_clock", "PT50M", interrupting=True))
    case = start(login, "web_adm_clock")
    admin = web_login("admin", lang="en")
    page = admin.text(f"/instances/{case}")
    assert 'id="clock-controls"' in page and 'value="working_day"' in page
    r = admin.post("/admin/clock", {"move": "hour", "next": f"/instances/{case}"}, expect=200)
    page = r.get_data(as_text=True)
    assert re.search(rf'<tr data-instance="{case}" data-element="late">', page)
    assert "Reply late" in page and f'href="/instances/{case}"' in page
    back = f"/instances/{case}"  # (an admin's "/" redirects to the dashboard)
    r = admin.post("/admin/clock", {"move": "date", "date": "2001-01-01", "next": back}, expect=302)
    assert "only moves forward" in flashes(admin.text(r.headers["Location"]), "error")[0]
    r = admin.post("/admin/clock", {"move": "date", "date": "someday", "next": back}, expect=302)
    assert "cannot move there" in flashes(admin.text(r.headers["Location"]), "error")[0]


def test_the_header_clock_moves_one_working_day(web_login):
    admin = web_login("admin", lang="en")
    r = admin.post("/admin/clock", {"move": "working_day", "next": "/"}, expect=200)
    assert 'id="fired-count"' in r.get_data(as_text=True)

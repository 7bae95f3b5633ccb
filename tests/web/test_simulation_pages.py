"""The simulation pages: start a run from the processes page, drive it with plain forms (no
script needed), in Chinese and English; the run never becomes a case."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from app.models import ProcessInstance, SimulationRun
from app.runtime import Runtime

COMPLAINT = "complaint_handling"
RUN_URL = re.compile(r"/simulations/(\d+)$")


def start_run(user: Any, start_at: str = "2026-12-04T15:00") -> int:
    r = user.post("/simulations", {"process_key": COMPLAINT, "version": "1", "start_at": start_at}, expect=303)
    found = RUN_URL.search(r.headers["Location"])
    assert found is not None
    return int(found.group(1))


def lock_of(page: str) -> str:
    found = re.search(r'name="lock_version" value="(\d+)"', page)
    assert found is not None
    return found.group(1)


def test_the_processes_page_offers_a_simulation_of_each_version(web_login: Any) -> None:
    page = web_login("analyst", lang="en").text(f"/definitions?key={COMPLAINT}&version=1")
    assert page.count('class="inline simulate-form"') >= 1
    assert 'id="simulate-start-at"' in page and "Simulate" in page


def test_a_run_page_reads_without_scripts_and_moves_on_its_own_clock(web_login: Any, rt: Runtime) -> None:
    user = web_login("analyst", lang="en")
    run_id = start_run(user)
    page = user.text(f"/simulations/{run_id}")
    assert '<strong id="virtual-now">2026-12-04 15:00</strong>' in page
    assert "Confirm record" in page and 'data-element="Timer_ContactReminder"' in page
    assert 'value="accepted"' in page  # the form, prefilled with the sample answer
    assert "it is not a complaint" in page and 'id="sim-diagram"' in page

    r = user.post(f"/simulations/{run_id}/clock", {"move": "monday", "lock_version": lock_of(page)}, expect=303)
    page = user.text(r.headers["Location"])
    assert '<strong id="virtual-now">2026-12-07 09:00</strong>' in page
    fired = re.findall(r'<tr class="log-timer_fired".*?<code>(\w+)</code>', page, re.S)
    assert "Timer_ContactReminder" in fired and "Timer_ContactBreach" in fired
    assert "Would notify (not sent)" in page
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_answering_a_task_from_its_form(web_login: Any) -> None:
    user = web_login("analyst", lang="en")
    run_id = start_run(user)
    page = user.text(f"/simulations/{run_id}")
    action = re.search(rf'action="(/simulations/{run_id}/tasks/[^"]+)"', page)
    assert action is not None
    refused = user.post(action.group(1), {"acceptance_decision": "accepted", "lock_version": lock_of(page)}, expect=422)
    assert "field-error" in refused.get_data(as_text=True)
    form = {"record_confirmed": "on", "acceptance_decision": "accepted", "promised_reply_hours": "24"}
    user.post(action.group(1), {**form, "lock_version": lock_of(page)}, expect=303)
    page = user.text(f"/simulations/{run_id}")
    assert 'id="task-Task_ClassifyComplaint"' in page and 'id="task-Task_ConfirmRecord"' not in page


def test_a_stale_page_is_told_and_changes_nothing(web_login: Any) -> None:
    user = web_login("analyst", lang="en")
    run_id = start_run(user)
    page = user.text(f"/simulations/{run_id}")
    user.post(f"/simulations/{run_id}/clock", {"move": "hour", "lock_version": lock_of(page)}, expect=303)
    r = user.post(f"/simulations/{run_id}/clock", {"move": "day", "lock_version": lock_of(page)}, expect=303)
    after = user.text(r.headers["Location"])
    assert "changed in another window" in after
    assert '<strong id="virtual-now">2026-12-04 16:00</strong>' in after


def test_in_chinese(web_login: Any) -> None:
    user = web_login("analyst", lang="zh")
    run_id = start_run(user)
    page = user.text(f"/simulations/{run_id}")
    assert "虚拟时钟" in page and "确认登记" in page and "测试运行" in page
    assert "模拟运行" in user.text("/simulations")


def test_the_list_and_delete(web_login: Any, rt: Runtime) -> None:
    user = web_login("analyst", lang="en")
    run_id = start_run(user)
    assert f'data-run="{run_id}"' in user.text("/simulations")
    r = user.post(f"/simulations/{run_id}/delete", expect=303)
    assert r.headers["Location"].endswith("/simulations")
    assert f'data-run="{run_id}"' not in user.text("/simulations")
    with rt.sessions() as s:
        assert s.get(SimulationRun, run_id) is None


def test_other_roles_and_other_analysts(web_login: Any, rt: Runtime) -> None:
    run_id = start_run(web_login("admin", lang="en"))
    web_login("analyst", lang="en").get(f"/simulations/{run_id}", expect=404)  # admin's run
    web_login("agent", lang="en").get("/simulations", expect=403)

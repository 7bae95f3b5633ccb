"""Hostile diagrams running all at once do not stop anyone else (issue: hardening, done-when).

Nine requests start instances whose scripts raise SystemExit, burn CPU in one C call or
allocate 10 GB, while a poisoned timer fires; meanwhile a normal complaint is carried to the
archive and an unrelated timer fires on the simulated clock. Every hostile instance ends as
an incident of its own, and /health counts them.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from tests.scenario.conftest import ComplaintRun
from tests.timers import diagrams

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
SCRIPTS = ("hostile_system_exit", "hostile_cpu_pow", "hostile_memory_ljust")


def test_hostile_scripts_and_a_poisoned_timer_leave_the_others_running(app, rt, login, monkeypatch):
    # a one-second limit keeps the test short; the mechanism is the production one
    monkeypatch.setattr(rt.engine.scripts, "limits", replace(rt.engine.scripts.limits, timeout_seconds=1.0))
    analyst, agent, admin = login("analyst"), login("agent"), login("admin")
    for name in (*SCRIPTS, "hostile_timer_poisoned"):
        analyst.deploy((HOSTILE / f"{name}.bpmn").read_bytes())
    analyst.deploy(diagrams.boundary("t_unrelated", "PT1H", interrupting=True))
    poisoned = agent.post("/process-instances", json={"process_key": "hostile_timer_poisoned"}, expect=201)
    unrelated = agent.post("/process-instances", json={"process_key": "t_unrelated"}, expect=201)

    answers: list[tuple[str, int, dict]] = []
    lock = threading.Lock()

    def hostile(process_key: str) -> None:
        client = app.test_client()  # a client of its own, like another browser
        r = client.post("/api/v1/process-instances", json={"process_key": process_key}, headers=dict(agent.headers))
        with lock:
            answers.append((process_key, r.status_code, r.get_json()))

    threads = [threading.Thread(target=hostile, args=(key,)) for key in SCRIPTS * 3]
    for t in threads:
        t.start()
    normal = ComplaintRun(login)
    normal.drive()  # the whole normal complaint, while the hostile ones run
    fired = admin.post("/admin/clock", json={"advance_seconds": 2 * 3600}, expect=200)["fired"]
    for t in threads:
        t.join()

    assert normal.instance()["status"] == "completed"
    assert fired >= 2  # the unrelated timer and the poisoned one (plus the complaint's own reminders)
    assert [t["element_id"] for t in agent.get(f"/process-instances/{unrelated['id']}", expect=200)["tasks"]] == [
        "escalated"
    ]
    assert len(answers) == 9 and {code for _, code, _ in answers} == {201}, answers
    for key, _, body in answers:
        inst = admin.get(f"/process-instances/{body['id']}", expect=200)
        assert inst["status"] == "error", (key, inst["status"])
        [incident] = inst["incidents"]
        assert incident["element_id"] == "hostile", (key, incident)
    [poison] = admin.get(f"/process-instances/{poisoned['id']}", expect=200)["incidents"]
    assert poison["element_id"] == "poison"
    health = admin.get("/health", expect=200)
    assert health["status"] == "ok" and health["incidents"] == 10

"""A timer firing while a user completes the same task: exactly one of them wins."""

from __future__ import annotations

import threading
from datetime import timedelta

from app.clock import clock
from app.services.timer_firing import fire_due
from tests.timers import diagrams

ROUNDS = 12


def test_timer_and_user_race_on_one_task(app, rt, flow):
    flow.deploy(diagrams.boundary("t_race", "PT1H", interrupting=True))
    outcomes = {"user": 0, "timer": 0}
    for _ in range(ROUNDS):
        inst = flow.start("t_race")
        [task] = inst["tasks"]
        clock.advance(timedelta(hours=1, seconds=1))  # due now; nobody has fired it yet
        barrier = threading.Barrier(2)
        result: dict[str, int] = {}

        def complete(task_id=task["id"], barrier=barrier, result=result):
            client = app.test_client()
            barrier.wait()
            r = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": {}}, headers=flow.agent.headers)
            result["status"] = r.status_code

        def fire(barrier=barrier):
            barrier.wait()
            fire_due(rt)

        threads = [threading.Thread(target=complete), threading.Thread(target=fire)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        fire_due(rt)  # whatever is still due now fires (a user's 200 cancelled the timer: nothing)
        after = flow.instance(inst["id"])
        fired = [h for h in after["history"] if h["type"] == "timer_fired"]
        completed = [h for h in after["history"] if h["type"] == "task_completed"]
        if result["status"] == 200:
            outcomes["user"] += 1
            assert fired == [] and len(completed) == 1
            assert after["status"] == "completed" and after["timers"] == []
        else:
            outcomes["timer"] += 1
            assert result["status"] == 409
            assert len(fired) == 1 and completed == []
            assert [t["element_id"] for t in after["tasks"]] == ["escalated"]
    assert sum(outcomes.values()) == ROUNDS

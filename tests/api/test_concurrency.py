"""Two users completing (or claiming) the same task at the same moment: exactly one wins."""

from __future__ import annotations

import threading
from collections import Counter

from tests.diagrams import two_step

ROUNDS = 15


def _race(app, headers, path, body=None):
    """Fire the same POST from two threads released together; return both status codes."""
    barrier = threading.Barrier(2)
    results: list[int] = []

    def worker():
        client = app.test_client()
        barrier.wait()
        r = client.post(path, json=body, headers=headers)
        results.append(r.status_code)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return sorted(results)


def test_completing_one_task_from_two_threads_has_exactly_one_winner(app, login):
    agent = login("agent")
    login("analyst").deploy(two_step("race"))
    outcomes = Counter()
    for _ in range(ROUNDS):
        inst = agent.post("/process-instances", json={"process_key": "race"}, expect=201)
        [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
        codes = _race(app, agent.headers, f"/api/v1/tasks/{task['id']}/complete", {"data": {"n": 1}})
        outcomes[tuple(codes)] += 1
        assert codes == [200, 409], codes
        full = agent.get(f"/process-instances/{inst['id']}", expect=200)
        assert [h["type"] for h in full["history"]].count("task_completed") == 1
        assert [t["element_id"] for t in full["tasks"]] == ["second"]
    assert outcomes == Counter({(200, 409): ROUNDS})


def test_claiming_one_task_from_two_users_has_exactly_one_winner(app, login):
    agent, agent2 = login("agent"), login("agent2")
    login("analyst").deploy(two_step("race_claim"))
    for _ in range(ROUNDS):
        inst = agent.post("/process-instances", json={"process_key": "race_claim"}, expect=201)
        [task] = agent.get(f"/tasks?instance_id={inst['id']}", expect=200)
        barrier = threading.Barrier(2)
        codes: dict[str, int] = {}

        def claim(api, name, task_id=task["id"], barrier=barrier, codes=codes):
            client = app.test_client()
            barrier.wait()
            codes[name] = client.post(f"/api/v1/tasks/{task_id}/claim", headers=api.headers).status_code

        threads = [threading.Thread(target=claim, args=(a, a.username)) for a in (agent, agent2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert sorted(codes.values()) == [200, 409], codes
        winner = next(n for n, c in codes.items() if c == 200)
        assert agent.get(f"/tasks/{task['id']}", expect=200)["assignee"] == winner

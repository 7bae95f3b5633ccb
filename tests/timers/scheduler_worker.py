"""Processes for the multi-process timer tests (``tests/timers/test_schedulers.py``).

``python -m tests.timers.scheduler_worker COMMAND`` with ``DATABASE_URL`` (and ``SECRET_KEY``)
in the environment, the real wall clock (no simulated clock in these processes):

- ``seed N``: migrate, deploy ``KEY`` (start -> timer -> script ``steps += 1`` -> user task), start
  one instance through the product, then clone it into N instances (fresh engine task ids each)
  whose timers are due in the recent past, each at its own time, in an order unrelated to the row
  ids. Prints JSON.
- ``scheduler``: the product scheduler exactly as ``flask --app wsgi scheduler`` runs it
  (``create_app()`` + ``start_scheduler``), with its log on stderr: one ``fired N timer(s)``
  line per wake-up that fired something. Stops on SIGTERM; the tests also SIGKILL it.
- ``start KEY SECONDS``: start one instance the way a web worker does, its timer due SECONDS
  after this process's now; prints JSON with its id, due time and commit time once committed.
"""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import sys
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.seeding import clone_waiting_instance
from tests.diagrams import HEAD, user_task

KEY = "mp_timer"
DIAGRAM = (
    f'{HEAD}<bpmn:process id="{KEY}" isExecutable="true"><bpmn:startEvent id="start"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>'
    '<bpmn:intermediateCatchEvent id="wait" name="Wait"><bpmn:timerEventDefinition>'
    "<bpmn:timeDate>wake_at</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
    '<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="count"/>'
    '<bpmn:scriptTask id="count" name="Count"><bpmn:script>steps = steps + 1</bpmn:script></bpmn:scriptTask>'
    '<bpmn:sequenceFlow id="f3" sourceRef="count" targetRef="after"/>'
    + user_task("after", "After", props={"candidateGroups": "cs_agents"})
    + '<bpmn:sequenceFlow id="f4" sourceRef="after" targetRef="end"/><bpmn:endEvent id="end"/>'
    "</bpmn:process></bpmn:definitions>"
).encode()


def _app() -> Any:
    from app import create_app

    return create_app()


def seed(n: int) -> dict[str, Any]:
    from app.cli import migrate_database
    from app.services import deployments, instances

    app = _app()
    rt = app.extensions["runtime"]
    migrate_database(rt)
    with rt.sessions() as session:
        deployments.deploy(
            session, DIAGRAM, handlers=dict(rt.engine.handlers), max_bytes=rt.settings.max_bpmn_bytes, actor="test"
        )
        session.commit()
    placeholder = (datetime.now(UTC) + timedelta(days=365)).replace(microsecond=123456).isoformat()
    with rt.sessions() as session:
        template_id = instances.start(rt, session, KEY, {"wake_at": placeholder, "steps": 0}, "seed").id
        session.commit()
    # due times in the last minutes, 10 ms apart, handed out in a shuffled order
    base = datetime.now(UTC) - timedelta(minutes=2) - timedelta(milliseconds=10 * n)
    dues = [base + timedelta(milliseconds=10 * i) for i in range(n)]
    random.Random(n).shuffle(dues)
    with rt.sessions() as session:
        ids = clone_waiting_instance(session, template_id, placeholder, dues, started_by="seed")
        session.commit()
    rt.db.dispose()
    return {"instances": len(ids), "first_due": min(dues).isoformat(), "last_due": max(dues).isoformat()}


def scheduler() -> None:
    from app.scheduling import start_scheduler, stop_scheduler

    logging.basicConfig(stream=sys.stderr, format=f"%(asctime)s pid={os.getpid()} %(name)s %(message)s")
    logging.getLogger("app.scheduling").setLevel(logging.INFO)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    app = _app()
    start_scheduler(app)
    print(json.dumps({"pid": os.getpid(), "started": datetime.now(UTC).isoformat()}), flush=True)
    stop.wait()
    stop_scheduler()


def start(key: str, seconds: float) -> dict[str, Any]:
    from app.services import instances

    app = _app()
    rt = app.extensions["runtime"]
    with rt.sessions() as session:
        wake_at = datetime.now(UTC) + timedelta(seconds=seconds)
        model = instances.start(rt, session, key, {"wake_at": wake_at.isoformat(), "steps": 0}, "web")
        session.commit()
        committed = datetime.now(UTC)
    rt.db.dispose()
    return {"id": model.id, "wake_at": wake_at.isoformat(), "committed_at": committed.isoformat()}


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "seed":
        print(json.dumps(seed(int(args[0]))), flush=True)
    elif command == "scheduler":
        scheduler()
    elif command == "start":
        print(json.dumps(start(args[0], float(args[1]))), flush=True)
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])

"""The console's pages and reads on a loaded database (issue 7): what ``--console-only`` measures.

The cases of the scale generator (``bench.scale_data``) carry no engine state, so what reads one
case's engine state (the diagram) and the pages of a case with a real history (the task page's
"case so far") are measured on real complaints, driven through the product's services to the
manager approval (``REAL_CASES`` of them, started after the load, among the generated ones).
Everything else runs over the generated cases. Measuring is ``bench.scale_probe``'s.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from bench.complaint_path import flow as complaint_flow
from bench.flows import ROOT
from bench.product import next_ready_task
from bench.scale_probe import Probe, Requests, Statements, Targets, run_each

REAL_CASES = 20
STOP_AT = "Task_ApproveByManager"  # the real cases wait here: completed, active and waiting elements
BENCH_USER = "console-bench"
CSV_FILTER = "severity=A"  # about 1 % of the generated cases: a thousand rows at 100 k


def real_cases(app: Flask, count: int = REAL_CASES) -> list[tuple[int, str]]:
    """``count`` complaints driven through the services to the manager approval: (case id, its task id)."""
    from app.services import instances, people, tasks

    rt = app.extensions["runtime"]
    flow = complaint_flow(ROOT / "processes" / "complaint_handling.bpmn")
    with rt.sessions() as session:
        user = people.create_user(session, BENCH_USER, "console-bench-password", groups=flow.groups, roles=["handler"])
        session.commit()
        user.group_keys  # noqa: B018 - load the groups before the session closes
    cases: list[tuple[int, str]] = []
    for _ in range(count):
        with rt.sessions() as session:
            case = instances.start(rt, session, flow.process_key, dict(flow.start_variables), user.username).id
            session.commit()
        for _step in range(flow.max_tasks):
            with rt.sessions() as session:
                ready = next_ready_task(session, case)
                if ready is None:
                    raise RuntimeError(f"case {case} has no ready task before {STOP_AT}")
                task_id, element_id = ready
                if element_id == STOP_AT:
                    cases.append((case, task_id))
                    break
                tasks.complete(rt, session, user, task_id, flow.data_for(element_id))
                session.commit()
    return cases


def probes(app: Flask, targets: Targets, real: list[tuple[int, str]]) -> list[Probe]:
    rt = app.extensions["runtime"]
    requests = Requests(app, ("admin", "analyst"), ("admin", "analyst", "manager"))
    api, page = requests.api, requests.page
    with rt.sessions() as session:
        from app.models import ProcessDefinition

        version = session.scalar(
            select(ProcessDefinition.version).where(ProcessDefinition.key == "complaint_handling").limit(1)
        )

    cases = [case for case, _ in real]
    searches = [f"/instances?severity={lv}&customer={sn}" for lv, sn in zip("BCDA", "王李张刘", strict=True)]
    export = f"/instances/export.csv?{CSV_FILTER}"
    generated = [f"/instances/{i}" for i in targets.ids]
    return [
        Probe("web case page `/instances/{id}` admin, generated cases", page("admin", generated)),
        Probe("web case page `/instances/{id}` admin, real cases", page("admin", [f"/instances/{i}" for i in cases])),
        Probe(
            "`GET …/process-instances/{id}/diagram` admin, real cases",
            api("admin", [f"/api/v1/process-instances/{i}/diagram" for i in cases]),
        ),
        Probe("web task page `/tasks/{id}` manager, approval", page("manager", [f"/tasks/{t}" for _, t in real])),
        Probe("web `/instances` admin", page("admin", ["/instances"])),
        Probe(
            "web `/instances?severity=…&customer=…` admin",
            page("admin", searches),
        ),
        Probe("web `/instances?overdue=1` admin", page("admin", ["/instances?overdue=1"])),
        Probe("web `/instances?status=running` admin", page("admin", ["/instances?status=running"])),
        Probe(f"web `/instances/export.csv?{CSV_FILTER}` admin", page("admin", [export])),
        Probe("web `/dashboard` admin", page("admin", ["/dashboard"])),
        Probe("web `/incidents` admin", page("admin", ["/incidents"])),
        Probe("web `/definitions` analyst", page("analyst", ["/definitions"])),
        Probe(
            "`GET …/versions/{v}/statistics` analyst",
            api("analyst", [f"/api/v1/process-definitions/complaint_handling/versions/{version}/statistics"]),
        ),
    ]


def measure(app: Flask, info: dict[str, Any], *, requests: int) -> list[dict[str, Any]]:
    """Every console probe's figures, in the order of ``probes``."""
    rt = app.extensions["runtime"]
    real = real_cases(app)
    targets = Targets(app, info, requests)
    statements = Statements(rt.db)
    return run_each(statements, probes(app, targets, real), requests)

"""Modes (b) and (c): the same flow through the product.

(b) ``ServiceDriver``: ``instances.start`` and ``tasks.complete`` with one product session
    and one commit per operation, as a request or a scheduler job does;
(c) ``HttpDriver``: the REST API through Flask's test client (full WSGI handling, JSON,
    bearer-token auth on every request): ``POST /process-instances``, one
    ``GET /tasks?instance_id=`` to find the first task, then ``POST /tasks/{id}/complete``
    whose answer names the next ready task.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from bench.common import InstanceRun, Stopwatch
from bench.flows import Flow

BENCH_USER = "bench"
BENCH_PASSWORD = "bench-password"  # a throw-away user in a throw-away database


def build_app(db_url: str, flow: Flow) -> Any:
    """A product app on a fresh database: migrated, the flow deployed, one user in its groups."""
    from app import create_app
    from app.cli import migrate_database
    from app.config import Settings
    from app.services import deployments, people
    from app.services.bundles import Bundle, BundleFile

    # Settings built here, not from the environment: nothing reads or writes instance/.
    settings = Settings(
        database_url=db_url,
        secret_key="bench-secret-key-0123456789",
        scheduler_enabled=False,
        demo_data=False,
        testing=True,
    )
    app = create_app(settings)
    rt = app.extensions["runtime"]
    migrate_database(rt)
    with rt.sessions() as session:
        bundle = Bundle(
            diagrams=(BundleFile(flow.path.name, flow.path.read_bytes()),),
            decisions=tuple(BundleFile(p.name, p.read_bytes()) for p in flow.decisions),
        )
        deployments.deploy_bundle(
            session,
            bundle,
            handlers=dict(rt.engine.handlers),
            max_bytes=rt.settings.max_bpmn_bytes,
            actor="bench",
        )
        people.create_user(session, BENCH_USER, BENCH_PASSWORD, groups=flow.groups, roles=["handler"])
        session.commit()
    return app


def next_ready_task(session: Any, instance_id: int) -> tuple[str, str] | None:
    """The instance's oldest ready task: (task id, element id), or None when none is ready."""
    from app.models import TaskRecord

    row = session.execute(
        select(TaskRecord.id, TaskRecord.element_id)
        .where(TaskRecord.instance_id == instance_id, TaskRecord.state == "ready")
        .order_by(TaskRecord.created_at, TaskRecord.id)
        .limit(1)
    ).first()
    return (row[0], row[1]) if row else None


class _ProductDriver:
    """What both product modes share: the app on a fresh database, and the rows kept at the end."""

    def __init__(self, flow: Flow, db_url: str) -> None:
        self.flow = flow
        self.db_url = db_url

    def setup(self) -> None:
        self.app = build_app(self.db_url, self.flow)
        self.rt = self.app.extensions["runtime"]
        self.db = self.rt.db

    def close(self) -> dict[str, Any]:
        return _storage(self.rt)


class ServiceDriver(_ProductDriver):
    label = "product"

    def setup(self) -> None:
        from app.models import User

        super().setup()
        with self.rt.sessions() as session:
            self.user = session.scalar(select(User).where(User.username == BENCH_USER))
            assert self.user is not None
            self.user.group_keys  # noqa: B018 - load the groups before the session closes

    def run_instance(self) -> InstanceRun:
        from app.services import instances, tasks

        run = InstanceRun()
        lap = Stopwatch(run)
        with lap("start"), self.rt.sessions() as session:
            model = instances.start(
                self.rt, session, self.flow.process_key, dict(self.flow.start_variables), self.user.username
            )
            instance_id = model.id
            nxt = next_ready_task(session, instance_id)
            session.commit()
        run.state_sizes.append(len(model.state_json.encode()))
        while nxt is not None:
            if run.tasks >= self.flow.max_tasks:
                raise RuntimeError(f"{self.flow.name}: more than {self.flow.max_tasks} user tasks")
            task_id, element_id = nxt
            with lap("complete"), self.rt.sessions() as session:
                model = tasks.complete(self.rt, session, self.user, task_id, self.flow.data_for(element_id))
                nxt = next_ready_task(session, instance_id)
                session.commit()
            run.tasks += 1
            if nxt is not None:
                run.state_sizes.append(len(model.state_json.encode()))
        if model.status != "completed":
            raise RuntimeError(f"{self.flow.name}: instance {instance_id} ended {model.status}, not completed")
        return run


class HttpDriver(_ProductDriver):
    label = "http"

    def setup(self) -> None:
        super().setup()
        self.client = self.app.test_client()
        r = self.client.post("/api/v1/auth/token", json={"username": BENCH_USER, "password": BENCH_PASSWORD})
        assert r.status_code == 200, r.get_data(as_text=True)
        self.headers = {"Authorization": f"Bearer {r.get_json()['token']}"}

    def _call(self, method: str, path: str, expect: int, **kw: Any) -> Any:
        r = self.client.open(f"/api/v1{path}", method=method, headers=self.headers, **kw)
        if r.status_code != expect:
            raise RuntimeError(f"{method} {path}: {r.status_code} {r.get_data(as_text=True)[:500]}")
        return r.get_json()

    def run_instance(self) -> InstanceRun:
        run = InstanceRun()
        lap = Stopwatch(run)
        with lap("start"):
            body = {"process_key": self.flow.process_key, "variables": self.flow.start_variables}
            instance_id = self._call("POST", "/process-instances", 201, json=body)["id"]
        with lap("list"):
            ready = self._call("GET", f"/tasks?instance_id={instance_id}", 200)
        status = "running"
        while ready:
            if run.tasks >= self.flow.max_tasks:
                raise RuntimeError(f"{self.flow.name}: more than {self.flow.max_tasks} user tasks")
            task = ready[0]
            with lap("complete"):
                data = {"data": self.flow.data_for(task["element_id"])}
                instance = self._call("POST", f"/tasks/{task['id']}/complete", 200, json=data)["instance"]
            run.tasks += 1
            ready, status = instance["tasks"], instance["status"]
        if status != "completed":
            raise RuntimeError(f"{self.flow.name}: instance {instance_id} ended {status}, not completed")
        return run


def _storage(rt: Any) -> dict[str, Any]:
    """Rows and engine-state bytes the product keeps per instance."""
    from app.models import AuditEntry, ProcessInstance, TaskRecord

    with rt.sessions() as session:
        n = session.scalar(select(func.count()).select_from(ProcessInstance)) or 1
        state = session.scalar(select(func.avg(func.length(ProcessInstance.state_json))))
        out = {
            "final_state_chars": float(state or 0),
            "task_rows_per_instance": (session.scalar(select(func.count()).select_from(TaskRecord)) or 0) / n,
            "audit_rows_per_instance": (session.scalar(select(func.count()).select_from(AuditEntry)) or 0) / n,
        }
    rt.db.dispose()
    return out

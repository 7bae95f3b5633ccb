"""Mode (a): the flow on SpiffWorkflow directly, the floor under the product.

Parser, ``BpmnWorkflow`` and a tiny loop; at every wait the serialized state is written
with SQLAlchemy Core and committed, and read back and deserialized before the next task,
as the product does. No forms, audit, task table or sandbox: only what any persistent
SpiffWorkflow application must do. Business-rule tasks run the flow's decision tables with the
product's table runner (``app.engine.decisions``, for its entry syntax), their cells evaluated
by the plain environment, as the service tasks call the handlers.

``serializer="stock"`` uses SpiffWorkflow's serializer as documented (the spec travels with
every state); ``serializer="ref"`` leaves the spec out of the state, as the product does
(``app.engine.serialization``), to separate that saving from the rest.
"""

from __future__ import annotations

import json
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, insert, select, update

from app.engine.decisions import DecisionParser, DecisionTaskConverter
from bench.common import InstanceRun, Stopwatch, bare_db_engine
from bench.flows import Flow

# The stock serializer, except that a business-rule task's table comes back with the product's
# table runner (its entry syntax), which runs the cells through the plain environment here.
STOCK_CONFIG = {**SPIFF_CONFIG, BusinessRuleTask: DecisionTaskConverter}

_meta = MetaData()
bare_instances = Table(
    "bare_instances",
    _meta,
    Column("id", Integer, primary_key=True),
    Column("status", String(20)),
    Column("state", Text),
)


class ServiceEnvironment(TaskDataEnvironment):
    """Plain ``exec``/``eval`` environment whose service calls go to the product's handlers."""

    def __init__(self, handlers: dict[str, Any]) -> None:
        from app.engine.sandbox import HELPERS

        super().__init__(dict(HELPERS))  # the diagram calls the product's helpers (now_iso, working_days)
        self.handlers = handlers

    def call_service(
        self, context: dict[str, Any], operation_name: str = "", operation_params: Any = None, **_: Any
    ) -> str:
        params = {k: v["value"] for k, v in (operation_params or {}).items()}
        if operation_name == "notify":  # the product's built-in effect; the floor doesn't store it
            return json.dumps({"queued": True})
        return json.dumps(self.handlers[operation_name](params))


class BareDriver:
    def __init__(self, flow: Flow, db_url: str, serializer: str = "stock") -> None:
        self.flow = flow
        self.db_url = db_url
        self.serializer_kind = serializer
        self.label = "bare" if serializer == "stock" else "bare_ref"

    def setup(self) -> None:
        from handlers import REGISTRY

        parser = DecisionParser()
        parser.add_bpmn_str(self.flow.path.read_bytes(), filename=self.flow.path.name)
        for table in self.flow.decisions:
            parser.add_dmn_str(table.read_bytes(), filename=table.name)
        self.spec = parser.get_spec(self.flow.process_key)
        self.subprocess_specs = parser.get_subprocess_specs(self.flow.process_key)
        self.script_engine = PythonScriptEngine(environment=ServiceEnvironment(REGISTRY))
        self.serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(STOCK_CONFIG))
        self.db = bare_db_engine(self.db_url)
        _meta.create_all(self.db)

    # --- state <-> text ------------------------------------------------------------------
    def dump(self, wf: BpmnWorkflow) -> str:
        if self.serializer_kind == "stock":
            text: str = self.serializer.serialize_json(wf)
            return text
        from app.engine.serialization import dump_state

        return dump_state(wf)

    def load(self, text: str) -> BpmnWorkflow:
        if self.serializer_kind == "stock":
            wf: BpmnWorkflow = self.serializer.deserialize_json(text)
        else:
            from app.engine.serialization import load_state

            wf = load_state(text, self.spec, self.subprocess_specs)
        wf.script_engine = self.script_engine
        return wf

    # --- one instance --------------------------------------------------------------------
    def run_instance(self) -> InstanceRun:
        run = InstanceRun()
        lap = Stopwatch(run)
        with lap("start"), self.db.begin() as conn:
            wf = BpmnWorkflow(self.spec, self.subprocess_specs, script_engine=self.script_engine)
            wf.task_tree.data.update(self.flow.engine_start)
            wf.do_engine_steps()
            state = self.dump(wf)
            done = wf.is_completed()
            instance_id = conn.execute(
                insert(bare_instances).values(status="completed" if done else "running", state=state)
            ).inserted_primary_key[0]
        run.state_sizes.append(len(state.encode()))
        while not done:
            if run.tasks >= self.flow.max_tasks:
                raise RuntimeError(f"{self.flow.name}: more than {self.flow.max_tasks} user tasks")
            with lap("complete"), self.db.begin() as conn:
                stored = conn.execute(select(bare_instances.c.state).where(bare_instances.c.id == instance_id))
                wf = self.load(stored.scalar_one())
                ready = wf.get_tasks(state=TaskState.READY, manual=True)
                if not ready:
                    raise RuntimeError(f"{self.flow.name}: instance stuck, no ready user task")
                task = ready[0]
                task.data.update(self.flow.data_for(task.task_spec.bpmn_id))
                task.run()
                wf.do_engine_steps()
                state = self.dump(wf)
                done = wf.is_completed()
                conn.execute(
                    update(bare_instances)
                    .where(bare_instances.c.id == instance_id)
                    .values(status="completed" if done else "running", state=state)
                )
            run.tasks += 1
            if not done:
                run.state_sizes.append(len(state.encode()))
        return run

    def close(self) -> dict[str, Any]:
        self.db.dispose()
        return {}

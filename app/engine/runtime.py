"""Running instances: start, ready user tasks, complete, engine steps, cancel."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.engine import clock_seam
from app.engine.clock_seam import TimerLimits
from app.engine.decisions import DecisionEngine
from app.engine.script_pool import ScriptLimits, shared_pool
from app.engine.scripting import Handler, SandboxScriptEngine, ScriptRunner, take_effects
from app.engine.serialization import SpecCache, dump_state, load_state
from app.engine.task_facts import (
    EngineIncident,
    attached_task_id,
    enclosing_subprocess_tasks,
    event_definitions,
    incident_from_error,
    message_variable,
    refresh_event_subprocess_data,
)


@dataclass(frozen=True)
class UserTaskView:
    """What the product needs to know about a ready user (or manual) task."""

    id: str
    element_id: str
    name: str
    lane: str | None
    form_key: str | None
    candidate_groups: list[str]
    assignee: str | None
    data: dict[str, Any]
    instructions: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    # the ids of the subprocess tasks it runs inside, innermost first (their boundary timers
    # are its deadlines too)
    enclosing: tuple[str, ...] = ()
    # ``spiffworkflow:property excludeConflictsOfInterest="true"``: only people with no conflict of
    # interest in the case may act on it (回避; app.services.conflicts)
    conflict_free: bool = False


@dataclass(frozen=True)
class ThrownEvent:
    """An event the instance threw that nothing inside it caught (a message for another party)."""

    kind: str
    name: str
    payload: Any
    code: str | None = None


@dataclass
class StepResult:
    """Outcome of running engine steps: completed flag and an incident if one occurred."""

    completed: bool
    incident: EngineIncident | None = None
    ran: list[str] = field(default_factory=list)


class TaskNotReady(Exception):
    """The task is not (or no longer) ready in this instance."""


class Instance:
    """A live workflow object plus the operations the product performs on it."""

    def __init__(self, workflow: BpmnWorkflow) -> None:
        self.workflow = workflow
        self._incident: EngineIncident | None = None  # a failure while completing a task

    # --- reading -------------------------------------------------------------------------
    def ready_user_tasks(self) -> list[UserTaskView]:
        tasks = self.workflow.get_tasks(state=TaskState.READY, manual=True)
        return [self._view(t) for t in tasks]

    def _view(self, task: Any) -> UserTaskView:
        spec = task.task_spec
        props: dict[str, str] = (getattr(spec, "extensions", None) or {}).get("properties", {})
        groups = self._candidate_groups(task, props)
        assignee = None
        if props.get("assigneeExpression"):
            value = self._safe_eval(props["assigneeExpression"], task.data)
            assignee = str(value) if value else None
        return UserTaskView(
            id=str(task.id),
            element_id=spec.bpmn_id or spec.name,
            name=spec.bpmn_name or spec.bpmn_id or spec.name,
            lane=spec.lane,
            form_key=props.get("formKey") or spec.bpmn_id,
            candidate_groups=groups,
            assignee=assignee,
            data=task.data,
            instructions=(getattr(spec, "extensions", None) or {}).get("instructionsForEndUser"),
            metadata=self._metadata(task),
            enclosing=enclosing_subprocess_tasks(task),
            conflict_free=props.get("excludeConflictsOfInterest", "").strip().lower() == "true",
        )

    def _metadata(self, task: Any) -> dict[str, Any]:
        """``spiffworkflow:taskMetadataValues``: each value is an expression over the task data."""
        values = (getattr(task.task_spec, "extensions", None) or {}).get("taskMetadataValues") or {}
        return {k: None if v is None else self._safe_eval(v, task.data) for k, v in values.items()}

    def _candidate_groups(self, task: Any, props: dict[str, str]) -> list[str]:
        if props.get("candidateGroupsExpression"):
            value = self._safe_eval(props["candidateGroupsExpression"], task.data)
            items = value if isinstance(value, list | tuple) else [value]
            return [str(v) for v in items if v]
        if props.get("candidateGroups"):
            return [g.strip() for g in props["candidateGroups"].split(",") if g.strip()]
        return [task.task_spec.lane] if task.task_spec.lane else []

    def _safe_eval(self, expression: str, data: dict[str, Any]) -> Any:
        try:
            return self.workflow.script_engine.environment.evaluate(expression, data)
        except Exception:  # an unresolvable routing expression leaves the task unrouted
            return None

    def task_state(self, task_id: str) -> str:
        """Engine state of a task by id, lower-case (``completed``, ``cancelled``, ...)."""
        try:
            task = self.workflow.get_task_from_id(UUID(task_id))
        except SpiffWorkflowException:
            return "cancelled"
        return TaskState.get_name(task.state).lower() if task is not None else "cancelled"

    @property
    def completed(self) -> bool:
        return bool(self.workflow.is_completed())

    def variables(self) -> dict[str, Any]:
        """The instance's current data: the workflow data when done; otherwise the data of the
        places where it waits, merged oldest first (a branch that ended, e.g. a reminder's
        path waiting at the end join with no data, does not hide the case's data)."""
        if self.completed:
            return dict(self.workflow.data)
        active = self.workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.ERROR)
        if not active:
            source = self.workflow.last_task or self.workflow.task_tree
            return dict(source.data)
        merged: dict[str, Any] = {}
        for task in sorted(active, key=lambda t: t.last_state_change):
            merged.update(task.data)
        return merged

    def waiting_timers(self) -> list[dict[str, Any]]:
        """Pending timer events: element id, name, due value (ISO string or cycle dict), the
        engine task id, whether it interrupts, and the id of the task it is attached to.

        A timer behind an event-based gateway is reported under its own catch event's id.
        """
        timers = []
        for task in self.workflow.event_manager.tasks.values():
            spec = task.task_spec
            parts = event_definitions(spec.event_definition)
            for index, definition in enumerate(parts):
                if not isinstance(definition, TimerEventDefinition):
                    continue
                owner = spec.outputs[index] if 1 < len(parts) == len(spec.outputs) else spec
                timers.append(
                    {
                        "element_id": owner.bpmn_id or owner.name,
                        "name": owner.bpmn_name or definition.name or owner.bpmn_id,
                        "value": task._get_internal_data("event_value"),
                        "task_id": str(task.id),
                        "interrupting": bool(getattr(spec, "cancel_activity", False)),
                        "attached_to": attached_task_id(task),
                    }
                )
        return timers

    def waiting_messages(self) -> list[dict[str, Any]]:
        """Message events the instance waits for: element id and message name."""
        waiting = []
        for task in self.workflow.event_manager.tasks.values():
            for definition in event_definitions(task.task_spec.event_definition):
                if isinstance(definition, MessageEventDefinition):
                    spec = task.task_spec
                    waiting.append({"element_id": spec.bpmn_id or spec.name, "name": definition.name})
        return waiting

    def thrown_events(self) -> list[ThrownEvent]:
        """Take the events thrown since the last call that nothing in this instance caught."""
        return [
            ThrownEvent(
                kind=type(e.event_definition).__name__.removesuffix("EventDefinition").lower(),
                name=e.event_definition.name,
                payload=e.payload,
                code=getattr(e.event_definition, "code", None),
            )
            for e in self.workflow.get_events()
        ]

    def decide(self, decision_id: str, data: Mapping[str, Any]) -> dict[str, Any] | None:
        """The result of this instance's version of decision table ``decision_id`` over ``data``
        (as a business-rule task calling it would merge it), or None if no task of the version
        calls that decision."""
        specs = [self.workflow.spec, *self.workflow.subprocess_specs.values()]
        for process in specs:
            for spec in process.task_specs.values():
                engine = getattr(spec, "dmnEngine", None)
                if isinstance(engine, DecisionEngine) and engine.decision_table.name == decision_id:
                    return engine.decide_data(self.workflow, dict(data))
        return None

    # --- changing ------------------------------------------------------------------------
    def send_message(self, name: str, payload: Any = None, correlations: Mapping[str, Any] | None = None) -> int:
        """Deliver a message to the catch events waiting for ``name``; returns how many caught it.

        The payload lands in the catching event's ``spiffworkflow:messageVariable`` when it has
        one; otherwise a dict payload is merged into the data of the path the event continues.
        Without explicit ``correlations`` they are computed from the payload with the catching
        event's correlation properties (as the engine does for a message thrown inside it).
        Call ``run_steps`` afterwards to move the instance on.
        """
        if self.completed:
            return 0
        if correlations is None:
            correlations = self._correlations_for(name, payload)
        event = BpmnEvent(MessageEventDefinition(name), payload, dict(correlations))
        caught = int(self.workflow.event_manager.catch(event, internal=False))
        if caught and isinstance(payload, dict):
            # The catchers hold this very payload object (event subprocesses are created by the catch).
            for task in self._all_tasks():
                if task.internal_data.get(name) is payload and not message_variable(task, name):
                    task.data.update(payload)
        return caught

    def _all_tasks(self) -> list[Any]:
        wf = self.workflow
        return [*wf.get_tasks(), *(t for sub in wf.subprocesses.values() for t in sub.get_tasks())]

    def _correlations_for(self, name: str, payload: Any) -> dict[str, Any]:
        if not isinstance(payload, dict):
            return {}
        for task in self.workflow.event_manager.tasks.values():
            for definition in event_definitions(task.task_spec.event_definition):
                if not isinstance(definition, MessageEventDefinition) or definition.name != name:
                    continue
                if definition.correlation_properties:
                    try:
                        return dict(definition.get_correlations(task, payload))
                    except Exception:  # a payload without the correlation keys matches nothing
                        return {}
        return {}

    def complete_task(self, task_id: str, data: Mapping[str, Any]) -> None:
        try:
            task = self.workflow.get_task_from_id(UUID(task_id))
        except SpiffWorkflowException:
            raise TaskNotReady(task_id) from None
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise TaskNotReady(task_id)
        variable = (getattr(task.task_spec, "extensions", None) or {}).get("variableName")
        if variable:  # spiffworkflow:variableName: the submitted form lands under that name
            task.data[variable] = dict(data)
        else:
            task.data.update(data)
        try:
            task.run()
        except Exception as exc:  # e.g. a failing postScript: an incident, not a crash
            self._incident = incident_from_error(exc, self.workflow)

    def take_effects(self) -> list[dict[str, Any]]:
        """Built-in operations (``notify``) queued by service tasks, for the product to apply."""
        return take_effects(self.workflow)

    def set_variables(self, changes: Mapping[str, Any]) -> None:
        """Change process data where the instance is now (ready and waiting tasks, and the
        workflow data), e.g. a repeat contact recorded from outside the diagram."""
        for task in self.workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.STARTED):
            task.data.update(changes)
            if isinstance(task.task_spec, BoundaryEvent) and task.parent is not None:
                task.parent.data.update(changes)  # a firing boundary event copies its data from here
        self.workflow.data.update(changes)

    def make_timer_due(self, task_id: str, when: datetime) -> bool:
        """Move a waiting timer's due time to ``when`` (an admin fires it now; ``run_steps`` then
        fires it like any due timer). False if no timer of this engine task id is waiting."""
        for task in self.workflow.event_manager.tasks.values():
            if str(task.id) != task_id:
                continue
            value = task._get_internal_data("event_value")
            if value is None:
                return False
            # a cycle keeps its count and interval, only its next occurrence moves
            moved = {**value, "next": when.isoformat()} if isinstance(value, dict) else when.isoformat()
            task._set_internal_data(event_value=moved)
            return True
        return False

    def run_steps(self) -> StepResult:
        """Fire due timers, then run every engine step; a failure becomes an incident."""
        ran: list[str] = []
        if self._incident is not None:
            return StepResult(self.completed, self._incident, ran)
        try:
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps(
                will_complete_task=refresh_event_subprocess_data,
                did_complete_task=lambda t: ran.append(t.task_spec.name),
            )
        except Exception as exc:  # whatever a diagram does, an incident on this instance
            return StepResult(self.completed, incident_from_error(exc, self.workflow), ran)
        return StepResult(self.completed, None, ran)

    def retry_errors(self) -> StepResult:
        """Put tasks that failed back to READY and run again (after a fix)."""
        for task in self.workflow.get_tasks(state=TaskState.ERROR):
            task._set_state(TaskState.READY)
        return self.run_steps()

    def cancel(self) -> None:
        self.workflow.cancel()


class Engine:
    """The product's handle on SpiffWorkflow: one per process, shared by threads."""

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        helpers: Mapping[str, Any] | None = None,
        limits: ScriptLimits | None = None,
        timer_limits: TimerLimits | None = None,
    ) -> None:
        """``helpers``: extra functions of the embedding program that diagram code may call (the
        product's own are in sandbox.HELPERS); ``limits``: time and memory of diagram code;
        ``timer_limits``: cycles (checked whenever the engine computes a timer value)."""
        self.handlers = handlers
        clock_seam.install(timer_limits)
        self.scripts = shared_pool(limits)
        self.script_engine = SandboxScriptEngine(handlers, ScriptRunner(self.scripts, helpers))
        self.specs = SpecCache()

    def new_instance(
        self, definition_id: int, content_hash: str, spec_json: str | Callable[[], str], variables: Mapping[str, Any]
    ) -> Instance:
        spec, subs = self.specs.get(definition_id, content_hash, spec_json)
        workflow = BpmnWorkflow(spec, subs, script_engine=self.script_engine)
        workflow.task_tree.data.update(variables)
        return Instance(workflow)

    def load(
        self, definition_id: int, content_hash: str, spec_json: str | Callable[[], str], state_json: str
    ) -> Instance:
        spec, subs = self.specs.get(definition_id, content_hash, spec_json)
        workflow = load_state(state_json, spec, subs)
        workflow.script_engine = self.script_engine
        return Instance(workflow)

    @staticmethod
    def dump(instance: Instance) -> str:
        return dump_state(instance.workflow)

"""Facts read off SpiffWorkflow tasks: incidents, boundary attachments, enclosing
subprocesses, message variables and timer due values."""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.simple import NoneEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState


@dataclass(frozen=True)
class EngineIncident:
    element_id: str | None
    message: str


def refresh_event_subprocess_data(task: Any) -> None:
    """An event subprocess starts with the data its parent has when the event fires.

    SpiffWorkflow 3.2.0 copies the parent's data into an event subprocess when the instance
    starts (the subprocess waits from then on), so a handler triggered later would see stale
    data. Just before the triggered start event runs, give it the data of the task the parent
    workflow completed last (for a signal thrown inside: the throwing task), keeping what the
    event itself brought (a message payload).
    """
    spec = task.task_spec
    if not isinstance(spec, StartEvent) or isinstance(spec.event_definition, NoneEventDefinition):
        return  # only a triggered start event (an embedded subprocess starts with a plain one)
    workflow = task.workflow
    parent_id = getattr(workflow, "parent_task_id", None)
    if parent_id is None:
        return
    parent = workflow.top_workflow.get_task_from_id(parent_id)
    if parent is None or isinstance(parent.task_spec, CallActivity):
        return
    source = parent.workflow.last_task
    if source is None or source is parent:
        return
    snapshot = parent.data  # what the subprocess was given when it started waiting
    caught = {k: v for k, v in task.data.items() if k not in snapshot or snapshot[k] != v}  # e.g. a payload
    task.data = {**deepcopy(source.data), **caught}


def message_variable(task: Any, name: str) -> str | None:
    """The ``spiffworkflow:messageVariable`` a task's catch event for message ``name`` declares."""
    for definition in event_definitions(task.task_spec.event_definition):
        if isinstance(definition, MessageEventDefinition) and definition.name == name and definition.message_var:
            return str(definition.message_var)
    return None


def event_definitions(definition: Any) -> list[Any]:
    """An event definition, or the parts of a multiple-event definition."""
    return list(getattr(definition, "event_definitions", None) or [definition])


def enclosing_subprocess_tasks(task: Any) -> tuple[str, ...]:
    ids = []
    workflow = task.workflow
    while workflow is not None and getattr(workflow, "parent_task_id", None) is not None:
        ids.append(str(workflow.parent_task_id))
        workflow = workflow.parent_workflow
    return tuple(ids)


def attached_task_id(task: Any) -> str | None:
    """For a boundary event, the id of the task it is attached to (its sibling main task)."""
    if not isinstance(task.task_spec, BoundaryEvent) or task.parent is None:
        return None
    for sibling in task.parent.children:
        if not isinstance(sibling.task_spec, BoundaryEvent):
            return str(sibling.id)
    return None


def incident_from(exc: SpiffWorkflowException, workflow: BpmnWorkflow) -> EngineIncident:
    task = getattr(exc, "task", None)
    element_id = None
    if task is not None:
        element_id = task.task_spec.bpmn_id or task.task_spec.name
    else:
        spec = getattr(exc, "task_spec", None)
        if spec is not None:
            element_id = getattr(spec, "bpmn_id", None) or spec.name
        else:
            errored = workflow.get_tasks(state=TaskState.ERROR)
            if errored:
                element_id = errored[0].task_spec.bpmn_id
    message = str(exc.args[0]) if exc.args else type(exc).__name__
    cause = exc.__cause__ or getattr(exc, "exception", None)
    if cause is not None and str(cause) not in message:
        message = f"{message}: {cause}"
    return EngineIncident(element_id, message)


def incident_from_error(exc: Exception, workflow: BpmnWorkflow) -> EngineIncident:
    """An incident for any failure inside the engine: SpiffWorkflow's own errors name their task;
    for others (a timer value that overflows, a limit) the innermost engine task on the traceback."""
    if isinstance(exc, SpiffWorkflowException):
        return incident_from(exc, workflow)
    element_id = None
    tb = exc.__traceback__
    while tb is not None:
        candidate = tb.tb_frame.f_locals.get("my_task")
        spec = getattr(candidate, "task_spec", None)
        if spec is not None:
            element_id = getattr(spec, "bpmn_id", None) or spec.name
        tb = tb.tb_next
    return EngineIncident(element_id, f"{type(exc).__name__}: {exc}")


def parse_due(value: Any) -> datetime | None:
    """Due time (UTC) of a waiting timer value as stored by the engine; naive values are read
    the way the engine reads them (its local offset)."""
    if isinstance(value, dict):
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        due: datetime = TimerEventDefinition.get_datetime(value)
    except ValueError:
        return None
    return due

"""What the case page's diagram viewer draws, read off one instance's own task tree.

Every task of the instance (its embedded subprocesses and call activities included: SpiffWorkflow
3.2 keeps each one as a separate workflow) is mapped to the BPMN element it runs. An element's
state is the strongest of its tasks' states: ``failed`` (ERROR) > ``active`` (READY, or STARTED:
a user task being worked on, a running subprocess) > ``waiting`` (a timer, a message, a join
waiting for its other branches) > ``completed`` > ``cancelled`` (a task that was reached and then
cut short, e.g. by an interrupting boundary timer or a terminate end event). ``count`` is how
many times the element was reached (loops, multi-instance).

The engine's specs keep no sequence flow ids, so the flows come from the version's XML: a flow
was taken when its source element completed and its target was reached from it, i.e. a pair of
parent and child tasks (across the engine's internal split/join tasks). A gateway's unchosen
branches never get tasks, so only its chosen flows appear.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, EventSubprocess
from SpiffWorkflow.util.task import TaskState

from app.engine.runtime import Instance
from app.engine.xml_input import BPMN_MODEL_NS, parse_untrusted

STATES = ("failed", "active", "waiting", "completed", "cancelled")  # strongest first
_RANK = {state: rank for rank, state in enumerate(STATES)}
_BY_ENGINE_STATE = {
    TaskState.ERROR: "failed",
    TaskState.READY: "active",
    TaskState.STARTED: "active",
    TaskState.WAITING: "waiting",
    TaskState.COMPLETED: "completed",
    TaskState.CANCELLED: "cancelled",
}
# Cancelled without ever having run: a boundary event whose activity ended first, an event
# subprocess (or its start event) whose event never came.
_NEVER_RAN_WHEN_CANCELLED = (BoundaryEvent, EventSubprocess, StartEvent)

FlowIndex = dict[tuple[str, str], tuple[str, ...]]


@dataclass(frozen=True)
class ElementState:
    state: str
    count: int


@dataclass(frozen=True)
class DiagramState:
    elements: dict[str, ElementState]
    flows_taken: list[str]
    # each call activity's element id -> the id of the process it calls (its elements' states are
    # in ``elements`` too: a process of another diagram is drawn from that diagram's XML)
    calls: dict[str, str] = field(default_factory=dict)


def sequence_flows(xml: str | bytes, max_bytes: int = 16 * 1024 * 1024) -> FlowIndex:
    """Every sequence flow of a deployed diagram by (source id, target id)."""
    raw = xml.encode() if isinstance(xml, str) else xml
    root = parse_untrusted(raw, max_bytes).getroot()
    index: dict[tuple[str, str], list[str]] = {}
    for node in root.iter(f"{{{BPMN_MODEL_NS}}}sequenceFlow"):
        source, target, flow_id = node.get("sourceRef"), node.get("targetRef"), node.get("id")
        if source and target and flow_id:
            index.setdefault((source, target), []).append(flow_id)
    return {pair: tuple(ids) for pair, ids in index.items()}


class FlowCache:
    """Parsed flow indexes by (definition id, content hash): a version's XML never changes."""

    def __init__(self, size: int = 128) -> None:
        self._items: OrderedDict[tuple[int, str], FlowIndex] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, definition_id: int, content_hash: str, xml: str | bytes | Callable[[], str | bytes]) -> FlowIndex:
        """The version's flows; ``xml`` may be a loader, called only on a cache miss."""
        key = (definition_id, content_hash)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        flows = sequence_flows(xml() if callable(xml) else xml)
        with self._lock:
            self._items[key] = flows
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return flows


def _all_tasks(instance: Instance) -> Iterator[Any]:
    workflow = instance.workflow
    seen: set[Any] = set()
    for flow in (workflow, *workflow.subprocesses.values()):
        for task in flow.tasks.values():
            if task.id not in seen:
                seen.add(task.id)
                yield task


def _element_id(task: Any) -> str | None:
    bpmn_id = getattr(task.task_spec, "bpmn_id", None)
    return str(bpmn_id) if bpmn_id else None


def _state_of(task: Any) -> str | None:
    """The viewer state of one task, or None when it was never reached."""
    state = _BY_ENGINE_STATE.get(task.state)
    if state != "cancelled":
        return state
    if isinstance(task.task_spec, _NEVER_RAN_WHEN_CANCELLED):
        return None
    parent = task.parent
    return "cancelled" if parent is not None and parent.state == TaskState.COMPLETED else None


def _source_element(task: Any) -> Any:
    """The nearest ancestor that runs a BPMN element (skipping the engine's split/join tasks)."""
    parent = task.parent
    while parent is not None and _element_id(parent) is None:
        parent = parent.parent
    return parent


def describe_diagram(instance: Instance, flows: FlowIndex) -> DiagramState:
    """Per element id its state and count, and the ids of the sequence flows taken."""
    states: dict[str, list[tuple[str, bool]]] = {}
    taken: set[str] = set()
    for task in _all_tasks(instance):
        element = _element_id(task)
        state = _state_of(task)
        if element is None or state is None:
            continue
        # a loop or multi-instance task runs its instances as children of the same element
        states.setdefault(element, []).append((state, not isinstance(task.task_spec, LoopTask)))
        source = _source_element(task)
        if source is not None and source.state == TaskState.COMPLETED:
            taken.update(flows.get((str(_element_id(source)), element), ()))
    elements = {element: _summarize(found) for element, found in states.items()}
    return DiagramState(elements, sorted(taken), _calls(instance))


def _calls(instance: Instance) -> dict[str, str]:
    workflow = instance.workflow
    specs = [workflow.spec, *(s for s in workflow.subprocess_specs.values() if s is not None)]
    return {
        str(task_spec.bpmn_id): str(task_spec.spec)
        for spec in specs
        for task_spec in spec.task_specs.values()
        if isinstance(task_spec, CallActivity) and task_spec.bpmn_id
    }


def _summarize(found: Iterable[tuple[str, bool]]) -> ElementState:
    found = list(found)
    state = min((s for s, _ in found), key=_RANK.__getitem__)
    # a parallel join cancels its other branches' copies: those arrivals are not extra visits
    ran = [counted for s, counted in found if s != "cancelled"] or [counted for _, counted in found]
    return ElementState(state, sum(ran) or len(ran))


_flows = FlowCache()


def instance_diagram(
    instance: Instance, definition_id: int, content_hash: str, xml: str | bytes | Callable[[], str | bytes]
) -> DiagramState:
    """``describe_diagram`` with the version's flows parsed once per process (``xml`` may be a loader)."""
    return describe_diagram(instance, _flows.get(definition_id, content_hash, xml))

"""Moving a running instance onto another version of its process (SpiffWorkflow's
``bpmn.util.diff``): what changes between the versions as this instance sees them, which of
its active elements have no counterpart in the target version, and the migration itself."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff
from SpiffWorkflow.util.task import TaskState

from app.engine.runtime import Engine, Instance
from app.engine.serialization import _full_registry, dump_state, load_state

ACTIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
CACHED_DIFFS = 16

# the diff of two cached, read-only specs, computed once for all their instances (a bulk dry run);
# each entry holds both specs, so their ids cannot be reused while it is kept
_diffs: OrderedDict[tuple[int, int], tuple[Any, Any, SpecDiff]] = OrderedDict()
_diffs_lock = threading.Lock()


def spec_diff(source: Any, target: Any) -> SpecDiff:
    """SpiffWorkflow's diff of two specs, kept for the next instance of the same pair of versions."""
    key = (id(source), id(target))
    with _diffs_lock:
        found = _diffs.get(key)
        if found is not None and found[0] is source and found[1] is target:
            _diffs.move_to_end(key)
            return found[2]
    diff = SpecDiff(_full_registry, source, target)
    with _diffs_lock:
        _diffs[key] = (source, target, diff)
        while len(_diffs) > CACHED_DIFFS:
            _diffs.popitem(last=False)
    return diff


@dataclass
class MigrationPlan:
    """``changes``: ``{"element_id", "change"}`` (``to_element_id`` too when the counterpart
    has another id) sorted by element then change; ``blocking``:
    ``{"element_id", "kind", "message"}`` for each element that stops the migration (empty: it may run)."""

    changes: list[dict[str, str]] = field(default_factory=list)
    blocking: list[dict[str, str]] = field(default_factory=list)


def _element(spec: Any) -> str | None:
    """The diagram id of a task spec; ``None`` for the engine's internal specs."""
    return getattr(spec, "bpmn_id", None)


def _changes(diff: SpecDiff) -> list[dict[str, str]]:
    """Added, removed and changed elements; an element the engine matched to one with another id
    (same place in the flow) is "changed", with ``to_element_id`` naming its counterpart."""
    items: dict[tuple[str, str], dict[str, str]] = {}
    for spec in diff.added:
        if (eid := _element(spec)) is not None:
            items[(eid, "added")] = {"element_id": eid, "change": "added"}
    for spec in diff.removed:
        if (eid := _element(spec)) is not None:
            items[(eid, "removed")] = {"element_id": eid, "change": "removed"}
    for spec in diff.changed:
        if (eid := _element(spec)) is not None:
            item = {"element_id": eid, "change": "changed"}
            counterpart = _element(diff.alignment.get(spec))
            if counterpart is not None and counterpart != eid:
                item["to_element_id"] = counterpart
            items[(eid, "changed")] = item
    return [items[k] for k in sorted(items)]


def _parts(workflow: Any, spec: Any, subs: dict[str, Any]) -> list[tuple[Any, Any, Any | None]]:
    """The workflow and each of its subprocess workflows (embedded, call activity, event
    subprocess; nested ones too), with the target spec of each (``None``: the target has none)."""
    parts: list[tuple[Any, Any, Any | None]] = [(None, workflow, spec)]
    for sp_task_id, sub in workflow.subprocesses.items():
        parts.append((sp_task_id, sub, subs.get(sub.spec.name)))
    return parts


def _blocking_in(part: Any, diff: SpecDiff, to_version: int, found: dict[str, tuple[str, str]]) -> None:
    for task in part.get_tasks(skip_subprocesses=True):
        spec = task.task_spec
        if diff.alignment.get(spec) is not None:
            continue
        eid = _element(spec) or spec.name
        if task.has_state(ACTIVE):
            found.setdefault(eid, ("at_removed", f"the instance is here and version {to_version} has no such element"))
        elif task.has_state(TaskState.FINISHED_MASK):
            found.setdefault(
                eid,
                (
                    "passed_removed",
                    f"the instance passed here and version {to_version} has no such element "
                    "(its history would be lost)",
                ),
            )


def _blocking(
    workflow: Any, parts: list[tuple[Any, Any, SpecDiff | None, Any]], to_version: int
) -> list[dict[str, str]]:
    """Each element that stops the move, with a ``kind``: ``subprocess`` (the instance runs a
    subprocess the target does not have), ``at_removed`` (the instance is there) or
    ``passed_removed`` (its history has it), and a message in words."""
    found: dict[str, tuple[str, str]] = {}
    for sp_task_id, part, diff, _ in parts:
        if diff is None:
            task = workflow.get_task_from_id(sp_task_id)
            eid = _element(task.task_spec) or task.task_spec.name
            found[eid] = ("subprocess", f"runs a subprocess that version {to_version} does not have")
        else:
            _blocking_in(part, diff, to_version, found)
    return [{"element_id": e, "kind": k, "message": m} for e, (k, m) in sorted(found.items())]


def _migrate(workflow: Any, workflow_diff: WorkflowDiff, spec: Any) -> None:
    """``bpmn.util.diff.migrate_workflow``, but resetting only the waiting and ready tasks whose
    element changed: that function resets every one, which restarts each waiting timer (a
    deadline the target did not change would move). A reset task is a new task for the product
    (its row, name, groups and form are the target element's): it gets a new id."""
    workflow.spec = spec
    for task in workflow.tasks.values():
        if (counterpart := workflow_diff.alignment.get(task)) is not None:
            task.task_spec = counterpart
    for task in workflow_diff.changed:
        if task.id in workflow.tasks and task.has_state(TaskState.READY | TaskState.WAITING):
            task.reset_branch(None)
            _renew_id(workflow, task)
    if workflow.last_task not in workflow.tasks:
        workflow.last_task = None


def _renew_id(workflow: Any, task: Any) -> None:
    """Give ``task`` a new id (the rows of the old one are closed on save)."""
    old, new = task.id, uuid4()
    task.id = new
    # same place in the mapping: the stored state rebuilds each task's data from its parent's, in this order
    workflow.tasks = {new if k == old else k: t for k, t in workflow.tasks.items()}
    parent = task.parent
    if parent is not None:  # tasks refer to each other by id
        parent._children = [new if c == old else c for c in parent._children]
    for child in task.children:
        child._parent = new


def plan_migration(
    engine: Engine,
    instance: Instance,
    definition_id: int,
    content_hash: str,
    spec_json: str | Callable[[], str],
    to_version: int,
) -> tuple[MigrationPlan, Callable[[], Instance]]:
    """The plan for moving ``instance`` onto the given version's spec, and a function that
    performs it (call it only when ``plan.blocking`` is empty); it returns the migrated
    instance, already checked to store and load under the target spec."""
    spec, subs = engine.specs.get(definition_id, content_hash, spec_json)
    workflow = instance.workflow
    parts = _parts(workflow, spec, subs)
    diffs = [
        (sp_task_id, part, None if target is None else spec_diff(part.spec, target), target)
        for sp_task_id, part, target in parts
    ]
    changes = {(c["element_id"], c["change"]): c for _, _, d, _ in diffs if d is not None for c in _changes(d)}
    plan = MigrationPlan([changes[k] for k in sorted(changes)], _blocking(workflow, diffs, to_version))

    def perform() -> Instance:
        assert not plan.blocking, "a blocked migration cannot run"
        # every part's tasks are aligned before any is reset (a reset may drop a subprocess)
        aligned = [(part, WorkflowDiff(part, diff), target) for _, part, diff, target in diffs if diff is not None]
        for part, workflow_diff, target in aligned:
            _migrate(part, workflow_diff, target)
        workflow.subprocess_specs = subs
        # the migrated state must load under the target spec, as every later step will
        reloaded = load_state(dump_state(workflow), spec, subs)
        reloaded.script_engine = engine.script_engine
        return Instance(reloaded)

    return plan, perform


def active_elements(instance: Instance) -> list[str]:
    """The diagram ids of the elements the instance is at (its ready, waiting and started tasks), sorted."""
    found = {_element(t.task_spec) for t in instance.workflow.get_tasks() if t.has_state(ACTIVE)}
    return sorted(eid for eid in found if eid)

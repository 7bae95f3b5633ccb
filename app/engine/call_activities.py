"""Call activities: what they may call, and binding the processes of other diagrams.

A call activity calls a process by id (``calledElement``): a process of the same file, or the
process of another diagram that is deployed or co-deployed in the same bundle. The called
process of another file is BOUND WHEN THE CALLER IS DEPLOYED: the caller's version carries the
spec of the called process's version current at that moment (``CalledProcess``), and records
that version (``CompiledProcess.called_versions``); a newer version of the called process runs
only after the caller is deployed again. Recursion is refused, within a file and across files.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import SubWorkflowTask

from app.engine.serialization import restore_specs
from app.engine.xml_input import NS
from app.engine.xml_input import element_detail as _detail
from app.errors import Invalid

RULE = "call-activity"


@dataclass(frozen=True)
class CalledProcess:
    """A process of another diagram that call activities may call: a deployed version, or one
    compiled earlier in the same bundle (``version`` None when it is only validated)."""

    key: str
    version: int | None
    spec_json: str
    content_hash: str

    @property
    def reaches(self) -> frozenset[str]:
        """Every process it calls, directly or through its own call activities."""
        return frozenset(json.loads(self.spec_json)["subprocess_specs"])


def _processes(root: Any) -> dict[str, Any]:
    return {p.get("id"): p for p in root.iterfind("bpmn:process", NS)}


def _called(activity: Any) -> str:
    return (activity.get("calledElement") or "").strip()


def external_calls(tree: etree._ElementTree) -> set[str]:
    """The process ids the diagram's call activities name that the diagram itself lacks."""
    root = tree.getroot()
    own = _processes(root)
    return {c for a in root.iterfind(".//bpmn:callActivity", NS) if (c := _called(a)) and c not in own}


def check_call_activities(root: Any, errors: list[dict[str, Any]], called: Mapping[str, CalledProcess]) -> None:
    """Call activities must call an executable process of the same file or one of ``called``,
    without recursion (through other files too)."""
    processes = _processes(root)
    calls: dict[str, list[tuple[Any, str]]] = {}
    for pid, process in processes.items():
        for activity in process.iterfind(".//bpmn:callActivity", NS):
            name = _called(activity)
            if not name:
                errors.append(_detail(activity, "call activity has no calledElement"))
            elif name in processes and processes[name].get("isExecutable", "").lower() != "true":
                errors.append(_detail(activity, f"called process '{name}' is not executable"))
            elif name not in processes and name not in called:
                errors.append(
                    _detail(
                        activity,
                        f"called process '{name}' is not in this file and no deployed process has that id "
                        "(deploy it first, or in the same bundle)",
                    )
                )
            else:
                calls.setdefault(pid, []).append((activity, name))
    # a process of another file calls on into what it reaches (which may be a process of this file)
    for name, other in called.items():
        if name not in processes:
            calls.setdefault(name, []).extend((None, reached) for reached in other.reaches)
    for pid, outgoing in list(calls.items()):
        if pid not in processes:
            continue
        for activity, name in outgoing:
            path = _call_path(calls, name, pid)
            if path is not None:
                chain = " -> ".join([pid, *path])
                errors.append(_detail(activity, f"recursive call activity ({chain}) would never end"))


def _call_path(calls: Mapping[str, Sequence[tuple[Any, str]]], start: str, goal: str) -> list[str] | None:
    """Process ids from ``start`` to ``goal`` following call activities, or None."""
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        current, path = stack.pop()
        if current == goal:
            return path
        if current in seen:
            continue
        seen.add(current)
        stack.extend((name, [*path, name]) for _, name in calls.get(current, []))
    return None


def subprocess_specs(parser: Any, key: str) -> dict[str, Any]:
    """The specs of every subprocess and called process ``key`` runs, directly or not; None for a
    process of another file (the engine's own walk requires those at any depth below the first)."""
    used: dict[str, Any] = {}
    pending = [key]
    while pending:
        for task_spec in parser.get_spec(pending.pop()).task_specs.values():
            if isinstance(task_spec, SubWorkflowTask) and task_spec.spec not in used:
                used[task_spec.spec] = parser.get_spec(task_spec.spec, required=False)
                if used[task_spec.spec] is not None:
                    pending.append(task_spec.spec)
    return used


def bind(subprocess_specs: dict[str, Any], called: Mapping[str, CalledProcess]) -> dict[str, int]:
    """Fill the specs the file lacks (the parser leaves None) with the called versions' specs and
    theirs; the version of each process of another file the caller runs, by key."""
    versions: dict[str, int] = {}
    for name in [k for k, v in subprocess_specs.items() if v is None]:
        other = called[name]
        spec, nested = restore_specs(other.spec_json)
        subprocess_specs[name] = spec
        for key, value in nested.items():
            if subprocess_specs.get(key) is None:
                subprocess_specs[key] = value
        if other.version is not None:
            versions[name] = other.version
    return versions


def call_order(trees: Sequence[etree._ElementTree]) -> list[int]:
    """The indexes of a bundle's diagrams, each after the diagrams whose processes it calls (so a
    co-deployed called process is compiled, and stored, before its callers); ``Invalid`` naming
    the call activity when diagrams call each other in a circle."""
    owner = {pid: index for index, tree in enumerate(trees) for pid in _processes(tree.getroot())}
    needs = {i: {owner[c] for c in external_calls(tree) if c in owner} - {i} for i, tree in enumerate(trees)}
    order: list[int] = []
    while len(order) < len(trees):
        ready = [i for i in range(len(trees)) if i not in order and needs[i] <= set(order)]
        if not ready:
            stuck = next(i for i in range(len(trees)) if i not in order)
            raise Invalid("the diagram cannot run", code="invalid_bpmn", details=_circle(trees, stuck, owner))
        order.extend(ready)
    return order


def _circle(trees: Sequence[etree._ElementTree], index: int, owner: Mapping[str, int]) -> list[dict[str, Any]]:
    root = trees[index].getroot()
    for activity in root.iterfind(".//bpmn:callActivity", NS):
        name = _called(activity)
        if name in owner and owner[name] != index:
            return [_detail(activity, f"recursive call activity: '{name}' calls back into this diagram", rule=RULE)]
    return [_detail(None, "recursive call activities between the bundle's diagrams", rule=RULE)]

"""Workflow state (de)serialization with the spec stored once per version.

An instance's stored state is the serializer's dictionary minus ``spec`` and
``subprocess_specs``; those live on the process definition and are restored
from an in-memory cache keyed by the definition's id and content hash.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.defaults import BusinessRuleTask

from app.engine.decisions import DecisionTaskConverter


class _SpecByReferenceConverter(BpmnWorkflowConverter):
    """Leaves the specs out of the state and accepts already-restored specs back."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any]) -> BpmnWorkflow:
        spec, subprocess_specs = dct.pop("spec"), dct.pop("subprocess_specs")
        if isinstance(spec, dict):
            return super().from_dict({**dct, "spec": spec, "subprocess_specs": subprocess_specs})
        workflow = BpmnWorkflow(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], _uuid, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _uuid(value: str) -> Any:
    from uuid import UUID

    return UUID(value)


# a business-rule task's spec carries its decision table, restored into the sandboxed runner
_spec_config = {**SPIFF_CONFIG, BusinessRuleTask: DecisionTaskConverter}
_config = {**_spec_config, BpmnWorkflow: _SpecByReferenceConverter}
_registry = BpmnWorkflowSerializer.configure(_config)
_serializer = BpmnWorkflowSerializer(_registry)
_full_registry = BpmnWorkflowSerializer.configure(_spec_config)


def serialize_specs(spec: Any, subprocess_specs: dict[str, Any]) -> str:
    """JSON of a process spec and the specs of its call activities."""
    return json.dumps(
        {
            "spec": _full_registry.convert(spec),
            "subprocess_specs": {k: _full_registry.convert(v) for k, v in subprocess_specs.items()},
        }
    )


def restore_specs(spec_json: str) -> tuple[Any, dict[str, Any]]:
    data = json.loads(spec_json)
    spec = _full_registry.restore(data["spec"])
    subs = {k: _full_registry.restore(v) for k, v in data["subprocess_specs"].items()}
    return spec, subs


class SpecCache:
    """Restored specs by (definition id, hash); specs are read-only once built."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[tuple[int, str], tuple[Any, dict[str, Any]]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(
        self, definition_id: int, content_hash: str, spec_json: str | Callable[[], str]
    ) -> tuple[Any, dict[str, Any]]:
        """The restored specs; ``spec_json`` may be a loader, called only on a cache miss."""
        key = (definition_id, content_hash)
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        specs = restore_specs(spec_json() if callable(spec_json) else spec_json)
        with self._lock:
            self._items[key] = specs
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return specs


def dump_state(workflow: BpmnWorkflow) -> str:
    """The instance state without its spec."""
    _registry._encoder_mode = True
    try:
        dct = _serializer.to_dict(workflow)
    finally:
        _registry._encoder_mode = False
    dct[_serializer.VERSION_KEY] = _serializer.VERSION
    return json.dumps(dct, cls=_serializer._encoder_cls)


def load_state(state_json: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Rebuild a workflow from stored state and its (cached) specs."""
    dct = json.loads(state_json, cls=_serializer.json_decoder_cls)
    _serializer.migrate(dct)
    dct["spec"], dct["subprocess_specs"] = spec, subprocess_specs
    workflow: BpmnWorkflow = _serializer.from_dict(dct)
    return workflow

"""Turn an uploaded diagram into runnable, serialized process specs.

Checks that would otherwise fail at run time are made here, with the id of the
BPMN element at fault: scripts and conditions that the sandbox refuses, service
tasks without a registered handler, unsupported elements, Camunda JUEL.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from app.engine import sandbox
from app.engine.serialization import serialize_specs
from app.engine.xml_input import BPMN_MODEL_NS
from app.errors import Invalid

SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_MODEL_NS, "spiffworkflow": SPIFF_NS}

# ISO 8601 as a modeler writes it: durations, repeating intervals, date-times.
_ISO_TIMER = re.compile(
    r"^(R\d*/)?("
    r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?"
    r")(/.*)?$",
    re.IGNORECASE,
)

UNSUPPORTED = {
    "businessRuleTask": "business rule tasks (DMN) are not supported",
    "complexGateway": "complex gateways are not supported",
    "adHocSubProcess": "ad-hoc subprocesses are not supported",
}

USER_TASK_EXPRESSIONS = ("candidateGroupsExpression", "assigneeExpression")


@dataclass(frozen=True)
class CompiledProcess:
    """One executable process ready to store as a definition version."""

    key: str
    name: str
    spec_json: str
    content_hash: str


def normalize_timer_text(text: str) -> str:
    """Quote a plain ISO 8601 timer value so the engine evaluates it as a string."""
    stripped = text.strip()
    if _ISO_TIMER.match(stripped):
        return repr(stripped)
    return stripped


def _detail(element: Any, message: str) -> dict[str, Any]:
    element_id = element.get("id") if element is not None else None
    return {"element_id": element_id, "message": message}


def _owner(node: Any) -> Any:
    """The nearest ancestor (or self) that carries an id."""
    while node is not None and node.get("id") is None:
        node = node.getparent()
    return node


def _check_code(node: Any, source: str | None, kind: str, errors: list[dict[str, Any]]) -> None:
    if not source or not source.strip():
        return
    if "${" in source or "#{" in source:
        errors.append(_detail(_owner(node), f"{kind}: JUEL expressions (${{...}}) are not supported; write Python"))
        return
    try:
        if kind == "script":
            sandbox.compile_script(source)
        else:
            sandbox.compile_expression(source)
    except sandbox.ScriptError as exc:
        errors.append(_detail(_owner(node), f"{kind} refused: {exc}"))


def _static_checks(root: Any, handlers: Mapping[str, Any]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    for tag, message in UNSUPPORTED.items():
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            errors.append(_detail(node, message))
    for node in root.iterfind(".//bpmn:timerEventDefinition/*", NS):
        if node.text:
            node.text = normalize_timer_text(node.text)
            _check_code(node, node.text, "timer expression", errors)
    for node in root.iterfind(".//bpmn:conditionExpression", NS):
        _check_code(node, node.text, "condition", errors)
    for node in root.iterfind(".//bpmn:script", NS):
        _check_code(node, node.text, "script", errors)
    for tag in ("preScript", "postScript"):
        for node in root.iterfind(f".//spiffworkflow:{tag}", NS):
            _check_code(node, node.text, "script", errors)
    for task in root.iterfind(".//bpmn:serviceTask", NS):
        operator = task.find(".//spiffworkflow:serviceTaskOperator", NS)
        if operator is None:
            errors.append(_detail(task, "service task has no spiffworkflow:serviceTaskOperator naming a handler"))
        elif operator.get("id") not in handlers:
            errors.append(_detail(task, f"no handler registered for operation '{operator.get('id')}'"))
        else:
            for param in operator.iterfind(".//spiffworkflow:parameter", NS):
                _check_code(task, param.get("value"), "service parameter", errors)
    for prop in root.iterfind(".//spiffworkflow:property", NS):
        if prop.get("name") in USER_TASK_EXPRESSIONS:
            _check_code(prop, prop.get("value"), prop.get("name"), errors)
    return errors


def _executable_processes(root: Any) -> list[Any]:
    return [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "").lower() == "true"]


def compile_diagram(tree: etree._ElementTree, handlers: Mapping[str, Any], raw: bytes) -> list[CompiledProcess]:
    """Validate a parsed diagram and build the spec of every executable process in it."""
    root = tree.getroot()
    processes = _executable_processes(root)
    if not processes:
        raise Invalid(
            'the diagram has no executable process (isExecutable="true")',
            code="invalid_bpmn",
            details=[_detail(p, "process is not executable") for p in root.iterfind("bpmn:process", NS)]
            or [_detail(None, "no bpmn:process element")],
        )
    errors = _static_checks(root, handlers)
    if errors:
        raise Invalid("the diagram cannot run", code="invalid_bpmn", details=errors)
    parser = SpiffBpmnParser()
    content_hash = hashlib.sha256(raw).hexdigest()
    compiled = []
    try:
        parser.add_bpmn_xml(root, filename="diagram.bpmn")
        for process in processes:
            key = process.get("id")
            spec = parser.get_spec(key)
            subprocess_specs = parser.get_subprocess_specs(key)
            compiled.append(
                CompiledProcess(
                    key=key,
                    name=process.get("name") or key,
                    spec_json=serialize_specs(spec, subprocess_specs),
                    content_hash=content_hash,
                )
            )
    except ValidationException as exc:
        element_id = getattr(exc, "id", None) or None
        raise Invalid(
            "the diagram cannot run",
            code="invalid_bpmn",
            details=[{"element_id": element_id, "message": _validation_message(exc)}],
        ) from None
    return compiled


def _validation_message(exc: ValidationException) -> str:
    message = str(exc.args[0]) if exc.args else str(exc)
    tag = getattr(exc, "tag", "")
    return f"{tag}: {message}" if tag else message


def spec_summary(spec_json: str) -> dict[str, Any]:
    """Small description of a stored spec (task names) for diagnostics."""
    data = json.loads(spec_json)
    return {"tasks": sorted(data["spec"]["task_specs"])}

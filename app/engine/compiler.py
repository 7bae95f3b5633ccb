"""Turn an uploaded diagram into runnable, serialized process specs.

Checks that would otherwise fail at run time are made here, with the id of the
BPMN element at fault: scripts and every kind of expression the sandbox refuses,
non-Python script languages, Camunda JUEL, service tasks without a registered
handler, unsupported elements, call activities that call a process neither in the
file nor deployed, a non-executable process, or recurse (``call_activities``),
business-rule tasks calling a decision table the bundle lacks, and every cell of
the tables they call (``decisions``). Whatever the engine's own parser still objects to
is reported the same way; nothing a client sends becomes a 500.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from app.engine import call_activities, clock_seam, sandbox
from app.engine.call_activities import CalledProcess, bind, check_call_activities, external_calls, subprocess_specs
from app.engine.camunda_dialect import check_starters, is_confidential, read_camunda_dialect, starter_rights
from app.engine.decisions import DecisionParser, check_decisions
from app.engine.scripting import EFFECTS
from app.engine.serialization import serialize_specs
from app.engine.xml_input import BPMN_MODEL_NS, NS
from app.engine.xml_input import element_detail as _detail
from app.errors import Invalid

# ISO 8601 as a modeler writes it: durations, repeating intervals, date-times.
_ISO_TIMER = re.compile(
    r"^(R\d*/)?("
    r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    r"|\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?"
    r")(/.*)?$",
    re.IGNORECASE,
)

# Rule ids of the compiler's own refusals (``validate`` reports them; every detail names one).
NOT_EXECUTABLE = "executable-process"
ENGINE_PARSE = "engine-parse"

UNSUPPORTED = {
    "complexGateway": "complex gateways are not supported",
    "adHocSubProcess": "ad-hoc subprocesses are not supported",
}

USER_TASK_EXPRESSIONS = ("candidateGroupsExpression", "assigneeExpression")

# Where diagram code hides: (namespace prefix, tag) -> what to call it in a message.
EXPRESSIONS = {
    ("bpmn", "conditionExpression"): "condition",
    ("bpmn", "loopCardinality"): "loop cardinality",
    ("bpmn", "completionCondition"): "completion condition",
    ("bpmn", "loopCondition"): "loop condition",
    ("bpmn", "condition"): "conditional event condition",
    ("bpmn", "messagePath"): "correlation expression",
    ("spiffworkflow", "messagePayload"): "message payload",
    ("spiffworkflow", "payloadExpression"): "event payload",
    ("spiffworkflow", "expression"): "correlation expression",
}
SCRIPTS = (("bpmn", "script"), ("spiffworkflow", "preScript"), ("spiffworkflow", "postScript"))
NON_PYTHON_SCRIPTS = {
    "javascript",
    "js",
    "ecmascript",
    "nashorn",
    "graal.js",
    "groovy",
    "juel",
    "feel",
    "ruby",
    "jruby",
    "jython",
    "kotlin",
    "mvel",
    "text/javascript",
    "application/javascript",
}
# Tags that carry an id but are parts of the element a modeler actually selects.
_NOT_OWNERS = {
    "conditionExpression",
    "formalExpression",
    "timeDuration",
    "timeDate",
    "timeCycle",
    "script",
    "condition",
    "loopCardinality",
    "completionCondition",
    "loopCondition",
    "extensionElements",
    "multiInstanceLoopCharacteristics",
    "standardLoopCharacteristics",
    "messagePath",
    "correlationPropertyRetrievalExpression",
}


@dataclass(frozen=True)
class CompiledProcess:
    """One executable process ready to store as a definition version."""

    key: str
    name: str
    spec_json: str
    content_hash: str
    timer_start: bool = False  # starts on a timer: the product keeps one instance waiting for it
    starter_groups: tuple[str, ...] = ()  # who may start it (none declared: anyone logged in)
    starter_users: tuple[str, ...] = ()
    # the version of each process of another diagram its call activities run (bound at deploy)
    called_versions: Mapping[str, int] = field(default_factory=dict)
    confidential: bool = False  # its cases are seen only by who filed and handles them, and HR


# An ISO 8601 value with a typo reads as a Python name ("PT24", "P1DT") or does not compile.
_ISO_ATTEMPT = re.compile(r"^(R\d*/)?P(T?\d|\d)|^\d{4}-\d{2}", re.IGNORECASE)


def is_iso_typo(text: str) -> bool:
    """Whether ``text`` was meant as an ISO 8601 timer value but is not one (it would be read as an
    expression and fail only when the timer starts)."""
    stripped = text.strip()
    return bool(_ISO_ATTEMPT.match(stripped)) and not _ISO_TIMER.match(stripped)


def normalize_timer_text(text: str) -> str:
    """Quote a plain ISO 8601 timer value so the engine evaluates it as a string."""
    stripped = text.strip()
    if _ISO_TIMER.match(stripped):
        return repr(stripped)
    return stripped


def _is_owner(node: Any) -> bool:
    if node.get("id") is None or not isinstance(node.tag, str):
        return False
    qname = etree.QName(node)
    if qname.namespace != BPMN_MODEL_NS:
        return False
    return qname.localname not in _NOT_OWNERS and not qname.localname.endswith("EventDefinition")


def _owner(node: Any) -> Any:
    """The BPMN element a modeler would select for ``node``: the flow, task or event around it."""
    start = node
    while node is not None and not _is_owner(node):
        node = node.getparent()
    if node is None:  # fall back to anything with an id
        node = start
        while node is not None and node.get("id") is None:
            node = node.getparent()
    return node


def _check_code(node: Any, source: str | None, kind: str, errors: list[dict[str, Any]]) -> None:
    if not source or not source.strip():
        return
    if "${" in source or "#{" in source:
        errors.append(
            _detail(
                _owner(node), f"{kind}: JUEL expressions (${{...}}) are not supported; write Python", rule="sandbox"
            )
        )
        return
    try:
        if kind == "script":
            sandbox.compile_script(source)
        else:
            sandbox.compile_expression(source)
    except sandbox.ScriptError as exc:
        errors.append(_detail(_owner(node), f"{kind} refused: {exc}", rule="sandbox"))


def _check_timer_literal(node: Any, errors: list[dict[str, Any]]) -> None:
    """A constant timer value (quoted by ``normalize_timer_text``) must run within the limits."""
    try:
        value = ast.literal_eval(node.text.strip())
    except (ValueError, SyntaxError, RecursionError, MemoryError):
        return  # an expression: checked when the engine computes it
    if not isinstance(value, str):
        return
    try:
        clock_seam.check_timer_literal(value)
    except ValueError as exc:
        errors.append(_detail(_owner(node), f"timer refused: {exc}", rule="timer"))


def _ruled(errors: list[dict[str, Any]], start: int, rule: str) -> int:
    """Name the rule of the details added since ``start`` that have none; the new length."""
    for detail in errors[start:]:
        detail.setdefault("rule", rule)
    return len(errors)


def _static_checks(root: Any, handlers: Mapping[str, Any], called: Mapping[str, CalledProcess]) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = []
    check_starters(root, errors)
    done = _ruled(errors, 0, "camunda-dialect")
    for tag, message in UNSUPPORTED.items():
        for node in root.iterfind(f".//bpmn:{tag}", NS):
            errors.append(_detail(node, message))
    done = _ruled(errors, done, "unsupported-element")
    for node in root.iterfind(".//bpmn:timerEventDefinition/*", NS):
        if node.text:
            node.text = normalize_timer_text(node.text)
            _check_code(node, node.text, "timer expression", errors)
            _check_timer_literal(node, errors)
    for (prefix, tag), kind in EXPRESSIONS.items():
        for node in root.iterfind(f".//{prefix}:{tag}", NS):
            _check_code(node, node.text, kind, errors)
    for prefix, tag in SCRIPTS:
        for node in root.iterfind(f".//{prefix}:{tag}", NS):
            _check_code(node, node.text, "script", errors)
    for node in root.iterfind(".//bpmn:scriptTask", NS):
        language = (node.get("scriptFormat") or "").strip().lower()
        if language in NON_PYTHON_SCRIPTS:
            errors.append(_detail(node, f"script language '{language}' is not supported; scripts are Python"))
    done = _ruled(errors, done, "script-language")
    _check_service_tasks(root, handlers, errors)
    for prop in root.iterfind(".//spiffworkflow:property", NS):
        if prop.get("name") in USER_TASK_EXPRESSIONS:
            _check_code(prop, prop.get("value"), prop.get("name"), errors)
    done = _ruled(errors, done, "service-task-handler")
    check_call_activities(root, errors, called)
    _ruled(errors, done, call_activities.RULE)
    return errors


def _check_service_tasks(root: Any, handlers: Mapping[str, Any], errors: list[dict[str, Any]]) -> None:
    for task in root.iterfind(".//bpmn:serviceTask", NS):
        operator = task.find(".//spiffworkflow:serviceTaskOperator", NS)
        if operator is None:
            errors.append(_detail(task, "service task has no spiffworkflow:serviceTaskOperator naming a handler"))
        elif operator.get("id") not in handlers and operator.get("id") not in EFFECTS:
            errors.append(_detail(task, f"no handler registered for operation '{operator.get('id')}'"))
        else:
            for param in operator.iterfind(".//spiffworkflow:parameter", NS):
                _check_code(task, param.get("value"), "service parameter", errors)


def _executable_processes(root: Any) -> list[Any]:
    return [p for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable", "").lower() == "true"]


def compile_diagram(
    tree: etree._ElementTree,
    handlers: Mapping[str, Any],
    raw: bytes,
    decisions: Sequence[etree._ElementTree] = (),
    called: Mapping[str, CalledProcess] | None = None,
) -> list[CompiledProcess]:
    """Validate a parsed diagram and build the spec of every executable process in it.

    ``decisions``: the parsed DMN documents of the bundle, which business-rule tasks may call;
    ``called``: the processes of other diagrams its call activities may call, by id.
    """
    wanted = external_calls(tree)
    called = {k: v for k, v in (called or {}).items() if k in wanted}
    root = tree.getroot()
    processes = _executable_processes(root)
    if not processes:
        raise Invalid(
            'the diagram has no executable process (isExecutable="true")',
            code="invalid_bpmn",
            details=[
                _detail(p, "process is not executable", rule=NOT_EXECUTABLE) for p in root.iterfind("bpmn:process", NS)
            ]
            or [_detail(None, "no bpmn:process element", rule=NOT_EXECUTABLE)],
        )
    errors: list[dict[str, Any]] = []
    read_camunda_dialect(root, errors)
    used = check_decisions(root, decisions, errors)
    errors += _static_checks(root, handlers, called)
    if errors:
        raise Invalid("the diagram cannot run", code="invalid_bpmn", details=errors)
    parser = DecisionParser()
    content_hash = _content_hash(raw, used, called)
    compiled = []
    try:
        for index, document in enumerate(used):
            parser.add_dmn_xml(document.getroot(), filename=f"decisions-{index}.dmn")
        parser.add_bpmn_xml(root, filename="diagram.bpmn")
        for process in processes:
            key = process.get("id")
            spec = parser.get_spec(key)
            subs = subprocess_specs(parser, key)
            called_versions = bind(subs, called)
            starter_groups, starter_users = starter_rights(process)
            compiled.append(
                CompiledProcess(
                    key=key,
                    name=process.get("name") or key,
                    spec_json=serialize_specs(spec, subs),
                    content_hash=content_hash,
                    timer_start=process.find("bpmn:startEvent/bpmn:timerEventDefinition", NS) is not None,
                    starter_groups=starter_groups,
                    starter_users=starter_users,
                    called_versions=called_versions,
                    confidential=is_confidential(process),
                )
            )
    except ValidationException as exc:
        element_id = getattr(exc, "id", None) or None
        raise Invalid(
            "the diagram cannot run",
            code="invalid_bpmn",
            details=[{"element_id": element_id, "rule": ENGINE_PARSE, "message": _validation_message(exc)}],
        ) from None
    except Exception as exc:  # the engine's parser choked on something we did not foresee
        raise Invalid(
            "the diagram cannot run",
            code="invalid_bpmn",
            details=[
                {
                    "element_id": None,
                    "rule": ENGINE_PARSE,
                    "message": f"the engine cannot read this diagram: {type(exc).__name__}: {exc}",
                }
            ],
        ) from None
    return compiled


def _content_hash(raw: bytes, decisions: Sequence[etree._ElementTree], called: Mapping[str, CalledProcess]) -> str:
    """The diagram's hash, and with the decision tables and the processes of other diagrams it
    calls when it calls any (a new table, or a new version of a called process, is a new version;
    a diagram calling neither keeps its hash)."""
    digest = hashlib.sha256(raw)
    for document in sorted(etree.tostring(d, method="c14n") for d in decisions):
        digest.update(b"\0dmn\0" + document)
    for key in sorted(called):
        digest.update(f"\0call\0{key}\0{called[key].content_hash}".encode())
    return digest.hexdigest()


def _validation_message(exc: ValidationException) -> str:
    message = str(exc.args[0]) if exc.args else str(exc)
    tag = getattr(exc, "tag", "")
    return f"{tag}: {message}" if tag else message


def spec_summary(spec_json: str) -> dict[str, Any]:
    """Small description of a stored spec (task names) for diagnostics."""
    data = json.loads(spec_json)
    return {"tasks": sorted(data["spec"]["task_specs"])}

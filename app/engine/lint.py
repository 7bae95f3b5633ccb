"""Validate a diagram before it runs: every finding names the element at fault and a rule.

``lint_diagram`` runs the rules of this module (a task's form, handler parameters, timers,
decisions, event definitions), the graph rules of ``lint_graph`` and the compiler itself
(``compile_diagram``: parse errors, sandbox refusals, unknown handlers...), and sorts the
findings by the severity of their rule (``RULES``): errors block a deploy, warnings do not.
What needs the database (forms, groups, handler declarations, the bundle's decisions) comes in
as plain data in ``LintContext``. The rule ids are bpmnlint's where the rule is one of its.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from lxml import etree

from app.engine import compiler
from app.engine.call_activities import CalledProcess
from app.engine.compiler import CompiledProcess, compile_diagram
from app.engine.lint_graph import GRAPH_RULES, Finding, finding, label, scopes
from app.engine.xml_input import CAMUNDA_NS, NS
from app.errors import Invalid

log = logging.getLogger(__name__)

ERROR, WARNING = "error", "warning"
# Every rule: its severity and what it guards against (docs/validation.md lists them).
RULES: dict[str, tuple[str, str]] = {
    "xml": (ERROR, "the document is not well-formed BPMN XML, or is refused (DOCTYPE, encoding)"),
    compiler.NOT_EXECUTABLE: (ERROR, "no executable process in the document"),
    compiler.ENGINE_PARSE: (ERROR, "the engine's own parser refuses the diagram"),
    "sandbox": (ERROR, "a script or expression the sandbox refuses (or JUEL)"),
    "camunda-dialect": (ERROR, "a Camunda attribute holding an expression the product cannot read"),
    "unsupported-element": (ERROR, "an element the product cannot run"),
    "script-language": (ERROR, "a script in another language than Python"),
    "service-task-handler": (ERROR, "a service task naming no handler or one that does not exist"),
    "service-task-parameters": (ERROR, "a handler called without a required parameter, or with one it does not take"),
    "call-activity": (
        ERROR,
        "a call activity calling a process neither in the file nor deployed, a non-executable process, or itself",
    ),
    "timer": (ERROR, "a timer value that does not parse or breaks the limits"),
    "decision-missing": (ERROR, "a business-rule task calling a decision that is not in the bundle"),
    "ad-hoc-sub-process": (ERROR, "a start or end event in an ad-hoc sub-process"),
    "conditional-event": (ERROR, "a conditional event without a condition never fires"),
    "conditional-flows": (ERROR, "a flow out of a conditional fork with neither condition nor default"),
    "event-based-gateway": (ERROR, "a condition on a flow after an event-based gateway (ignored by the engine)"),
    "event-sub-process-typed-start-event": (ERROR, "an event sub-process whose start event has no trigger"),
    "sub-process-blank-start-event": (ERROR, "a sub-process whose start event waits for a trigger it never gets"),
    "link-event": (ERROR, "a link event without a name, or without its partner in the same scope"),
    "no-duplicate-sequence-flows": (ERROR, "two flows between the same elements: the target runs twice"),
    "single-blank-start-event": (ERROR, "several blank start events: every one starts at once"),
    "start-event-required": (ERROR, "a process without a start event cannot be started"),
    "end-event-required": (WARNING, "a process without an end event (it ends where its paths stop)"),
    "form-missing": (WARNING, "a user task's form key names a form that exists nowhere"),
    "user-task-form": (WARNING, "a user task without a form: it accepts any answer"),
    "form-unused": (WARNING, "a form of the bundle that no user task or start of its diagrams uses (not stored)"),
    "lane-group": (WARNING, "a lane or candidate group that no active user belongs to"),
    "no-default-flow": (WARNING, "a gateway whose flows are all conditional, without a default"),
    "unreachable": (WARNING, "an element no path from a start event reaches"),
    "no-implicit-start": (WARNING, "an element without incoming flow that is not a start event"),
    "no-implicit-end": (WARNING, "an element without outgoing flow that is not an end event"),
    "no-disconnected": (WARNING, "an element without any flow"),
    "no-implicit-split": (WARNING, "several unconditional flows out of a task or event: all of them run"),
    "fake-join": (WARNING, "an activity with several incoming flows (they do not wait for each other)"),
    "superfluous-gateway": (WARNING, "a gateway with one incoming and one outgoing flow"),
    "no-gateway-join-fork": (WARNING, "a gateway that both joins and forks"),
    "single-event-definition": (WARNING, "an event with several event definitions (any one triggers it)"),
    "label-required": (WARNING, "an activity without a name (the inbox shows the name)"),
    "lint-internal": (WARNING, "a rule could not check this diagram (logged)"),
}


@dataclass(frozen=True)
class LintContext:
    """What the rules need from outside the diagram, as plain data.

    ``handler_parameters``: per declared handler, (every parameter name, the required ones);
    ``forms`` / ``groups``: form keys that exist and groups with an active member (None: not
    checked); ``decisions``: ids of the decisions in the bundle's decision tables; ``called``:
    the processes of other diagrams (deployed, or compiled earlier in the bundle) call activities may call.
    """

    handler_parameters: Mapping[str, tuple[frozenset[str], frozenset[str]]] = field(default_factory=dict)
    forms: frozenset[str] | None = None
    groups: frozenset[str] | None = None
    decisions: frozenset[str] = frozenset()
    called: Mapping[str, CalledProcess] = field(default_factory=dict)


@dataclass(frozen=True)
class LintReport:
    """The findings (``{"element_id", "rule", "message"}``) and, when there is no error, the
    compiled processes (so a deploy does not compile twice)."""

    errors: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    compiled: list[CompiledProcess]

    @property
    def valid(self) -> bool:
        return not self.errors


def decision_ids(decisions: Sequence[etree._ElementTree]) -> frozenset[str]:
    """The ids of the ``<decision>`` elements of parsed DMN documents."""
    return frozenset(
        str(node.get("id"))
        for tree in decisions
        for node in tree.getroot().iter()
        if isinstance(node.tag, str) and etree.QName(node).localname == "decision" and node.get("id")
    )


def severity(rule: str) -> str:
    """A rule's severity; a rule the table does not know is an error (the safe side)."""
    return RULES.get(rule, (ERROR, ""))[0]


def lint_diagram(
    tree: etree._ElementTree,
    raw: bytes,
    handlers: Mapping[str, Any],
    context: LintContext,
    decisions: Sequence[etree._ElementTree] = (),
) -> LintReport:
    """Every finding of every rule on a parsed diagram, then the compiler's (which rewrites
    parts of ``tree``: run on a tree parsed for this call). ``decisions``: the parsed DMN
    documents deployed with it (business-rule tasks may call their decisions)."""
    root = tree.getroot()
    context = replace(context, decisions=context.decisions | decision_ids(decisions))
    findings: list[Finding] = []
    graph = _guarded(lambda: [scopes(root)], "scopes", findings)
    for rule in ELEMENT_RULES:
        findings += _guarded(partial(rule, root, context), rule.__name__, findings)
    for check in GRAPH_RULES if graph else ():
        findings += _guarded(partial(check, graph[0]), check.__name__, findings)
    compiled: list[CompiledProcess] = []
    try:
        compiled = compile_diagram(tree, handlers, raw, decisions, context.called)
    except Invalid as exc:
        findings.extend(
            finding(d.get("element_id"), d.get("rule") or compiler.ENGINE_PARSE, str(d.get("message")))
            for d in exc.details
        )
    except Exception as exc:  # the compiler choked before the engine's parser: still a finding, not a 500
        log.exception("compiling a diagram failed")
        findings.append(finding(None, compiler.ENGINE_PARSE, f"the diagram cannot be read: {type(exc).__name__}"))
    idle = _in_idle_processes(root)
    # an error in a process that never runs (a pool drawn for context) blocks nothing
    errors = _unique(f for f in findings if severity(f["rule"]) == ERROR and f["element_id"] not in idle)
    warnings = _unique(f for f in findings if severity(f["rule"]) != ERROR or f["element_id"] in idle)
    return LintReport(errors=errors, warnings=warnings, compiled=[] if errors else compiled)


def _guarded(run: Callable[[], list[Any]], name: str, findings: list[Finding]) -> list[Any]:
    """``run()``, or nothing and a ``lint-internal`` finding: a rule never turns a diagram into a 500."""
    try:
        return run()
    except Exception:
        log.exception("validation rule %s failed", name)
        findings.append(finding(None, "lint-internal", f"the check {name} could not run"))
        return []


def _in_idle_processes(root: Any) -> set[str]:
    """Ids inside the non-executable processes of a document that has an executable one."""
    processes = list(root.iterfind("bpmn:process", NS))
    if not any(p.get("isExecutable", "").lower() == "true" for p in processes):
        return set()
    return {
        node.get("id")
        for p in processes
        if p.get("isExecutable", "").lower() != "true"
        for node in p.iter()
        if isinstance(node.tag, str) and node.get("id")
    }


def _unique(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for item in findings:
        key = (item["element_id"], item["rule"], item["message"])
        if key not in seen:
            seen.add(key)
            out.append(dict(item))
    return out


# --- rules on single elements ---------------------------------------------------------------
def _properties(element: Any) -> dict[str, str]:
    return {
        p.get("name"): p.get("value") or ""
        for p in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    }


def _form_key(task: Any) -> str | None:
    return _properties(task).get("formKey") or task.get(f"{{{CAMUNDA_NS}}}formKey") or None


def user_task_forms(root: Any, context: LintContext) -> list[Finding]:
    """A user task shows the form its key names (or the one named like its id); a Camunda
    ``formData`` inside the task is a form too."""
    out = []
    for task in root.iterfind(".//bpmn:userTask", NS):
        if task.find("bpmn:extensionElements/camunda:formData", NS) is not None:
            continue
        key = _form_key(task)
        if key is None:
            if context.forms is None or task.get("id") not in context.forms:
                out.append(
                    finding(task, "user-task-form", f"user task {label(task)} has no form: it accepts any answer")
                )
        elif context.forms is not None and key not in context.forms:
            out.append(
                finding(task, "form-missing", f"user task {label(task)} names form '{key}', which exists nowhere")
            )
    return out


def lane_groups(root: Any, context: LintContext) -> list[Finding]:
    """Lanes that route user tasks, and literal candidate groups, must name a group with members."""
    if context.groups is None:
        return []
    out = []
    routed_by_lane = {
        t.get("id")
        for t in root.iterfind(".//bpmn:userTask", NS)
        if not {"candidateGroups", "candidateGroupsExpression"} & _properties(t).keys()
        and not t.get(f"{{{CAMUNDA_NS}}}candidateGroups")
    }
    for lane in root.iterfind(".//bpmn:lane", NS):
        name = (lane.get("name") or "").strip()
        refs = {(r.text or "").strip() for r in lane.iterfind("bpmn:flowNodeRef", NS)}
        if name and refs & routed_by_lane and name not in context.groups:
            out.append(finding(lane, "lane-group", f"lane '{name}' names a group no active user belongs to"))
    for task in root.iterfind(".//bpmn:userTask", NS):
        literal = _properties(task).get("candidateGroups") or task.get(f"{{{CAMUNDA_NS}}}candidateGroups") or ""
        for group in (g.strip() for g in literal.split(",")):
            if group and "${" not in group and group not in context.groups:
                out.append(
                    finding(task, "lane-group", f"user task {label(task)}: no active user belongs to group '{group}'")
                )
    return out


def service_task_parameters(root: Any, context: LintContext) -> list[Finding]:
    """A declared handler gets every required parameter and none it does not take."""
    out = []
    for task in root.iterfind(".//bpmn:serviceTask", NS):
        operator = task.find(".//spiffworkflow:serviceTaskOperator", NS)
        if operator is None or operator.get("id") not in context.handler_parameters:
            continue  # no handler, or one without a declaration: the compiler's concern
        name = operator.get("id")
        known, required = context.handler_parameters[name]
        given = {p.get("id") for p in operator.iterfind(".//spiffworkflow:parameter", NS)}
        for missing in sorted(required - given):
            out.append(finding(task, "service-task-parameters", f"{label(task)}: {name} needs parameter '{missing}'"))
        for unknown in sorted(p for p in given - known if p is not None):
            out.append(
                finding(
                    task,
                    "service-task-parameters",
                    f"{label(task)}: {name} takes no parameter '{unknown}' (it takes: {', '.join(sorted(known))})",
                )
            )
    return out


def timers(root: Any, context: LintContext) -> list[Finding]:
    """A timer value that looks like an ISO 8601 literal must be one (a typo would otherwise be
    read as an expression and fail only when the timer starts)."""
    out = []
    for node in root.iterfind(".//bpmn:timerEventDefinition/*", NS):
        text = (node.text or "").strip()
        if compiler.is_iso_typo(text):
            out.append(
                finding(
                    node.getparent().getparent(),
                    "timer",
                    f"timer of {label(node.getparent().getparent())}: '{text}' is not a valid ISO 8601 "
                    "duration, date or cycle (e.g. PT24H, P2D, R3/PT1H, 2026-12-03T18:00:00+08:00)",
                )
            )
    for definition in root.iterfind(".//bpmn:timerEventDefinition", NS):
        if not any((c.text or "").strip() for c in definition if isinstance(c.tag, str)):
            event = definition.getparent()
            out.append(finding(event, "timer", f"timer of {label(event)} has no duration, date or cycle"))
    return out


def event_definitions(root: Any, context: LintContext) -> list[Finding]:
    """Conditional events need a condition; an event takes one trigger; ad-hoc sub-processes
    have no start or end events; sub-process start events are blank, event sub-process ones typed."""
    out = []
    for definition in root.iterfind(".//bpmn:conditionalEventDefinition", NS):
        condition = definition.find("bpmn:condition", NS)
        if condition is None or not (condition.text or "").strip():
            event = definition.getparent()
            out.append(finding(event, "conditional-event", f"conditional event {label(event)} has no condition"))
    for event in root.iter(*(f"{{{NS['bpmn']}}}{t}" for t in _EVENTS)):
        if len(_definitions(event)) > 1:
            out.append(finding(event, "single-event-definition", f"event {label(event)} has several event definitions"))
    for sub in root.iterfind(".//bpmn:adHocSubProcess", NS):
        for event in (*sub.iterfind("bpmn:startEvent", NS), *sub.iterfind("bpmn:endEvent", NS)):
            kind = "start" if etree.QName(event).localname == "startEvent" else "end"
            out.append(
                finding(event, "ad-hoc-sub-process", f"an ad-hoc sub-process has no {kind} event ({label(event)})")
            )
    for sub in root.iterfind(".//bpmn:subProcess", NS):
        event_sub = sub.get("triggeredByEvent") == "true"
        for start in sub.iterfind("bpmn:startEvent", NS):
            if event_sub and not _definitions(start):
                out.append(
                    finding(
                        start,
                        "event-sub-process-typed-start-event",
                        f"start event {label(start)} of an event sub-process needs a trigger (message, timer...)",
                    )
                )
            elif not event_sub and _definitions(start):
                out.append(
                    finding(
                        start,
                        "sub-process-blank-start-event",
                        f"start event {label(start)} of a sub-process must be blank (it starts with its parent)",
                    )
                )
    return out


_EVENTS = ("startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent")


def _definitions(event: Any) -> list[Any]:
    return [
        c
        for c in event
        if isinstance(c.tag, str) and c.tag.startswith(f"{{{NS['bpmn']}}}") and c.tag.endswith("EventDefinition")
    ]


ELEMENT_RULES: tuple[Callable[[Any, LintContext], list[Finding]], ...] = (
    user_task_forms,
    lane_groups,
    service_task_parameters,
    timers,
    event_definitions,
)

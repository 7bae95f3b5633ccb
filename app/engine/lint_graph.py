"""Graph rules over the sequence flows of each scope (a process or a sub-process).

Pure functions of the lxml tree, named after the bpmnlint rule they follow; the flows are read
from ``sequenceFlow`` source and target references (a modeler's ``incoming``/``outgoing``
children may be missing or stale).
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.engine.xml_input import NS

Finding = dict[str, Any]

_BPMN = f"{{{NS['bpmn']}}}"
SCOPES = ("process", "subProcess", "transaction")
ACTIVITIES = frozenset(
    {
        "task",
        "userTask",
        "serviceTask",
        "scriptTask",
        "manualTask",
        "sendTask",
        "receiveTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "transaction",
        "adHocSubProcess",
    }
)
GATEWAYS = frozenset({"exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateThrowEvent", "intermediateCatchEvent", "boundaryEvent"})
FLOW_NODES = ACTIVITIES | GATEWAYS | EVENTS


def finding(element: Any, rule: str, message: str) -> Finding:
    """A finding at ``element`` (an lxml element, an id, or None for the whole document)."""
    element_id = element if element is None or isinstance(element, str) else element.get("id")
    return {"element_id": element_id, "rule": rule, "message": message}


def label(element: Any) -> str:
    """How a message names an element: its name and id, or its id."""
    name = (element.get("name") or "").strip()
    return f"'{name}' ({element.get('id')})" if name else f"'{element.get('id')}'"


def local(element: Any) -> str:
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


@dataclass
class Scope:
    """The flow nodes and sequence flows directly inside one process or sub-process."""

    element: Any
    nodes: dict[str, Any] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    flows: list[Any] = field(default_factory=list)
    incoming: dict[str, list[Any]] = field(default_factory=dict)
    outgoing: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def is_process(self) -> bool:
        return local(self.element) == "process"

    @property
    def is_event_sub_process(self) -> bool:
        return self.element.get("triggeredByEvent") == "true"

    def kind(self, node: Any) -> str:
        return self.kinds.get(node.get("id")) or local(node)


def scopes(root: Any) -> list[Scope]:
    """Every process and (non ad-hoc) sub-process of the document, with its flows."""
    return list(_scopes(root))


def _scopes(root: Any) -> Iterator[Scope]:
    for element in root.iter(*(f"{_BPMN}{s}" for s in SCOPES)):
        scope = Scope(element)
        for child in element:
            kind = local(child)
            if kind in FLOW_NODES and (node_id := child.get("id")):
                scope.nodes[node_id] = child
                scope.kinds[node_id] = kind
            elif kind == "sequenceFlow":
                scope.flows.append(child)
        for flow in scope.flows:
            scope.outgoing.setdefault(flow.get("sourceRef") or "", []).append(flow)
            scope.incoming.setdefault(flow.get("targetRef") or "", []).append(flow)
        yield scope


def _conditional(flow: Any) -> bool:
    condition = flow.find("bpmn:conditionExpression", NS)
    return condition is not None and bool((condition.text or "").strip())


def _definition_kinds(event: Any) -> set[str]:
    return {local(c) for c in event if local(c).endswith("EventDefinition")}


def start_and_end_events(graph: list[Scope]) -> list[Finding]:
    """start-event-required, end-event-required, single-blank-start-event."""
    out = []
    for scope in graph:
        kinds = [scope.kind(n) for n in scope.nodes.values()]
        what = "process" if scope.is_process else "sub-process"
        if "startEvent" not in kinds:
            out.append(
                finding(scope.element, "start-event-required", f"{what} {label(scope.element)} has no start event")
            )
        if "endEvent" not in kinds:
            out.append(finding(scope.element, "end-event-required", f"{what} {label(scope.element)} has no end event"))
        blank = [n for n in scope.nodes.values() if scope.kind(n) == "startEvent" and not _definition_kinds(n)]
        if len(blank) > 1:
            names = ", ".join(label(n) for n in blank)
            out.append(
                finding(
                    scope.element,
                    "single-blank-start-event",
                    f"{what} {label(scope.element)} has several blank start events ({names}): each starts a path",
                )
            )
    return out


def flows(graph: list[Scope]) -> list[Finding]:
    """conditional-flows, no-default-flow, event-based-gateway, no-duplicate-sequence-flows."""
    out = []
    for scope in graph:
        seen: dict[tuple[str, str], Any] = {}
        for flow in scope.flows:
            pair = (flow.get("sourceRef") or "", flow.get("targetRef") or "")
            if pair in seen and not _conditional(flow) and not _conditional(seen[pair]):
                source, target = scope.nodes.get(pair[0], pair[0]), scope.nodes.get(pair[1], pair[1])
                out += [
                    finding(
                        flow,
                        "no-duplicate-sequence-flows",
                        f"flow {label(flow)} repeats {label(seen[pair])} from {pair[0]} to {pair[1]}",
                    ),
                    finding(source, "no-duplicate-sequence-flows", f"{pair[0]} has duplicate outgoing flows"),
                    finding(target, "no-duplicate-sequence-flows", f"{pair[1]} has duplicate incoming flows"),
                ]
            seen.setdefault(pair, flow)
        for node_id, node in scope.nodes.items():
            outgoing = scope.outgoing.get(node_id, [])
            kind = scope.kind(node)
            default = node.get("default")
            if kind == "eventBasedGateway":
                for flow in outgoing:
                    if _conditional(flow):
                        out.append(
                            finding(
                                flow,
                                "event-based-gateway",
                                f"flow {label(flow)} after event-based gateway {label(node)} must not have a "
                                "condition (the first event decides)",
                            )
                        )
                continue
            conditional = [f for f in outgoing if _conditional(f)]
            if (kind in ("exclusiveGateway", "inclusiveGateway") and len(outgoing) > 1) or default or conditional:
                for flow in outgoing:
                    if not _conditional(flow) and flow.get("id") != default and len(outgoing) > 1:
                        out.append(
                            finding(
                                flow,
                                "conditional-flows",
                                f"flow {label(flow)} out of {label(node)} has no condition and is not the default",
                            )
                        )
            fork = kind in ("exclusiveGateway", "inclusiveGateway") and len(outgoing) > 1
            if fork and not default and len(conditional) == len(outgoing) and not _complementary(conditional):
                out.append(
                    finding(
                        node,
                        "no-default-flow",
                        f"gateway {label(node)}: every outgoing flow has a condition and none is the default; "
                        "a case that matches none of them stops here",
                    )
                )
    return out


def _literal(source: str) -> tuple[str, bool] | None:
    """A condition as (atom, polarity): ``not x`` is (x, False), ``a != b`` is (a == b, False),
    ``a not in b`` is (a in b, False); None when it does not parse."""
    try:
        node = ast.parse(source.strip(), mode="eval").body
        polarity = True
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            node, polarity = node.operand, not polarity
        if isinstance(node, ast.Compare) and len(node.ops) == 1:
            flipped = {ast.NotEq: ast.Eq, ast.NotIn: ast.In}.get(type(node.ops[0]))
            if flipped is not None:
                node = ast.Compare(left=node.left, ops=[flipped()], comparators=node.comparators)
                polarity = not polarity
        return ast.unparse(node), polarity
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _complementary(conditional: list[Any]) -> bool:
    """Two of the conditions are each other's negation, so together they cover every case."""
    literals = {_literal(f.find("bpmn:conditionExpression", NS).text or "") for f in conditional}
    return any(lit is not None and (lit[0], not lit[1]) in literals for lit in literals)


def _exempt_start(scope: Scope, node: Any) -> bool:
    kind = scope.kind(node)
    return (
        kind in ("startEvent", "boundaryEvent")
        or (kind in ACTIVITIES and node.get("isForCompensation") == "true")
        or (kind == "subProcess" and node.get("triggeredByEvent") == "true")
        or (kind == "intermediateCatchEvent" and "linkEventDefinition" in _definition_kinds(node))
    )


def _exempt_end(scope: Scope, node: Any) -> bool:
    kind = scope.kind(node)
    return (
        kind == "endEvent"
        or (kind in ACTIVITIES and node.get("isForCompensation") == "true")
        or (kind == "subProcess" and node.get("triggeredByEvent") == "true")
        or (kind == "intermediateThrowEvent" and "linkEventDefinition" in _definition_kinds(node))
        or (kind == "boundaryEvent" and "compensateEventDefinition" in _definition_kinds(node))
    )


def connections(graph: list[Scope]) -> list[Finding]:
    """no-implicit-start, no-implicit-end, no-disconnected, no-implicit-split, fake-join,
    superfluous-gateway, no-gateway-join-fork."""
    out = []
    for scope in graph:
        for node_id, node in scope.nodes.items():
            incoming, outgoing = scope.incoming.get(node_id, []), scope.outgoing.get(node_id, [])
            kind = scope.kind(node)
            event_sub = kind == "subProcess" and node.get("triggeredByEvent") == "true"
            if not incoming and not outgoing and not event_sub and kind != "boundaryEvent":
                out.append(finding(node, "no-disconnected", f"{label(node)} is not connected to any flow"))
            if not incoming and not _exempt_start(scope, node):
                out.append(
                    finding(node, "no-implicit-start", f"{label(node)} has no incoming flow: it is an implicit start")
                )
            if not outgoing and not _exempt_end(scope, node):
                out.append(
                    finding(node, "no-implicit-end", f"{label(node)} has no outgoing flow: it is an implicit end")
                )
            unconditional = [f for f in outgoing if not _conditional(f) and f.get("id") != node.get("default")]
            if kind not in GATEWAYS and len(unconditional) > 1:
                out.append(
                    finding(
                        node,
                        "no-implicit-split",
                        f"{label(node)} has {len(unconditional)} unconditional outgoing flows: they all run "
                        "(use a parallel gateway to say so)",
                    )
                )
            if kind in ACTIVITIES and len(incoming) > 1:
                out.append(
                    finding(
                        node,
                        "fake-join",
                        f"{label(node)} has {len(incoming)} incoming flows: they do not wait for each other "
                        "(use a gateway to join)",
                    )
                )
            if kind in GATEWAYS and len(incoming) == 1 and len(outgoing) == 1:
                out.append(finding(node, "superfluous-gateway", f"gateway {label(node)} has one source and one target"))
            if kind in GATEWAYS and len(incoming) > 1 and len(outgoing) > 1:
                out.append(finding(node, "no-gateway-join-fork", f"gateway {label(node)} both joins and forks"))
    return out


def reachability(graph: list[Scope]) -> list[Finding]:
    """unreachable: elements with incoming flows that no path from a start reaches."""
    out = []
    for scope in graph:
        attached: dict[str, list[str]] = {}
        for node_id, node in scope.nodes.items():
            if scope.kind(node) == "boundaryEvent":
                attached.setdefault(node.get("attachedToRef") or "", []).append(node_id)
        stack = [nid for nid, n in scope.nodes.items() if _exempt_start(scope, n) and scope.kind(n) != "boundaryEvent"]
        reached: set[str] = set()
        while stack:
            current = stack.pop()
            if current in reached or current not in scope.nodes:
                continue
            reached.add(current)
            stack.extend(f.get("targetRef") or "" for f in scope.outgoing.get(current, []))
            stack.extend(attached.get(current, []))
        for node_id, node in scope.nodes.items():
            if node_id not in reached and scope.incoming.get(node_id):
                out.append(
                    finding(node, "unreachable", f"{label(node)} cannot be reached from any start event of its scope")
                )
    return out


def link_events(graph: list[Scope]) -> list[Finding]:
    """link-event: named, and each throw has exactly one catch of its name in the same scope."""
    out = []
    for scope in graph:
        catches: dict[str, list[Any]] = {}
        throws: dict[str, list[Any]] = {}
        for node in scope.nodes.values():
            definition = node.find("bpmn:linkEventDefinition", NS)
            if definition is None:
                continue
            name = (definition.get("name") or "").strip()
            if not name:
                out.append(finding(node, "link-event", f"link event {label(node)} has no link name"))
                continue
            side = catches if scope.kind(node) == "intermediateCatchEvent" else throws
            side.setdefault(name, []).append(node)
        for name, events in throws.items():
            if name not in catches:
                out.extend(
                    finding(e, "link-event", f"link throw {label(e)}: no link catch event named '{name}' in this scope")
                    for e in events
                )
        for name, events in catches.items():
            if len(events) == 1 and name not in throws:
                out.extend(
                    finding(e, "link-event", f"link catch {label(e)}: no link throw event named '{name}' in this scope")
                    for e in events
                )
            if len(events) > 1:
                out.extend(
                    finding(e, "link-event", f"link catch {label(e)}: several link catch events are named '{name}'")
                    for e in events
                )
    return out


def labels(graph: list[Scope]) -> list[Finding]:
    """label-required, for activities: the inbox and the history show their names."""
    out = []
    for scope in graph:
        for node in scope.nodes.values():
            if scope.kind(node) in ACTIVITIES and not (node.get("name") or "").strip():
                out.append(finding(node, "label-required", f"{label(node)} has no name"))
    return out


GRAPH_RULES: tuple[Callable[[list[Scope]], list[Finding]], ...] = (
    start_and_end_events,
    flows,
    connections,
    reachability,
    link_events,
    labels,
)

"""Element-level comparison of two versions of one process, read from their stored BPMN XML.

Elements are matched by id: every flow node, sequence flow, boundary event and lane of the process
(subprocesses' contents included) and the process itself, and the document's collaboration: the
collaboration, its participants (pools) and message flows. What is compared is what the element
means when it runs, grouped by aspect ("name", "type", "condition", "timer", "form", "handler",
"script", "flows", "lane", "process" of a pool, ...); the layout (BPMN DI) and XML formatting are
ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from app.engine.xml_input import BPMN_MODEL_NS, CAMUNDA_NS, SPIFF_NS, parse_untrusted
from app.errors import Invalid

_B = f"{{{BPMN_MODEL_NS}}}"
_S = f"{{{SPIFF_NS}}}"
_C = f"{{{CAMUNDA_NS}}}"

# children that are elements of their own (compared by id), not content of their container
_FLOW = {
    "task",
    "userTask",
    "manualTask",
    "serviceTask",
    "scriptTask",
    "businessRuleTask",
    "sendTask",
    "receiveTask",
    "callActivity",
    "subProcess",
    "transaction",
    "adHocSubProcess",
    "startEvent",
    "endEvent",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "inclusiveGateway",
    "parallelGateway",
    "eventBasedGateway",
    "complexGateway",
    "sequenceFlow",
    "dataObject",
    "dataObjectReference",
    "dataStoreReference",
    "textAnnotation",
    "association",
}
_CONTAINERS = {"subProcess", "transaction", "adHocSubProcess"}
# children of a collaboration that are elements of their own (besides its artifacts, in _FLOW)
_COLLABORATION = {"participant", "messageFlow"}
_LANE_SETS = {"laneSet", "childLaneSet"}
_SCRIPT_TAGS = {f"{_B}script", f"{_S}preScript", f"{_S}postScript", f"{_C}script"}
_FORM_PROPERTIES = {"formKey", "formJsonSchemaFilename", "formUiSchemaFilename"}
# attributes by aspect; any other attribute is "attributes"
_ATTRIBUTE_ASPECTS = {
    "name": "name",
    "sourceRef": "flows",
    "targetRef": "flows",
    "default": "flows",
    "attachedToRef": "attached_to",
    "cancelActivity": "interrupting",
    "calledElement": "called",
    "processRef": "process",
    f"{_C}formKey": "form",
    f"{_C}candidateGroups": "group",
    f"{_C}candidateUsers": "group",
    f"{_C}assignee": "assignee",
    f"{_C}dueDate": "timer",
    f"{_C}class": "handler",
    f"{_C}delegateExpression": "handler",
    f"{_C}expression": "handler",
    f"{_C}decisionRef": "decision",
}
# BPMN's attribute defaults (the schema's): written or left out, they mean the same, as bpmn-js
# leaves out what Camunda Modeler or a hand-written file may spell out
_DEFAULTS = {
    "cancelActivity": "true",
    "isInterrupting": "true",
    "isForCompensation": "false",
    "parallelMultiple": "false",
    "triggeredByEvent": "false",
    "instantiate": "false",
    "isClosed": "false",
    "startQuantity": "1",
    "completionQuantity": "1",
    "gatewayDirection": "Unspecified",
    "isImmediate": "false",
}
ASPECTS = (
    "type",
    "name",
    "flows",
    "condition",
    "timer",
    "event",
    "form",
    "group",
    "lane",
    "members",
    "assignee",
    "handler",
    "decision",
    "script",
    "called",
    "process",
    "attached_to",
    "interrupting",
    "properties",
    "documentation",
    "attributes",
    "content",
)


@dataclass
class DiagramDiff:
    """Element ids added in ``b``, removed from ``a``, changed between them (each sorted);
    ``details``: changed element id -> the aspects that differ (in ``ASPECTS`` order);
    ``names``/``types``: every listed element's name (``b``'s, else ``a``'s) and BPMN type."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    details: dict[str, list[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _canonical(element: Any) -> tuple[Any, ...]:
    """The element as a comparable value: tag, attributes, text, children (comments and whitespace ignored)."""
    children = tuple(_canonical(c) for c in element if isinstance(c.tag, str))
    text = " ".join((element.text or "").split())
    return (element.tag, tuple(sorted(element.attrib.items())), text, children)


def _extension_aspects(ext: Any, out: dict[str, list[Any]]) -> None:
    for item in ext:
        if not isinstance(item.tag, str):
            continue
        if item.tag == f"{_S}properties":
            for prop in item.findall(f"{_S}property"):
                aspect = "form" if prop.get("name") in _FORM_PROPERTIES else "properties"
                out.setdefault(aspect, []).append((prop.get("name"), prop.get("value")))
        elif item.tag == f"{_S}serviceTaskOperator":
            out.setdefault("handler", []).append(_canonical(item))
        elif item.tag in _SCRIPT_TAGS:
            out.setdefault("script", []).append((item.tag, (item.text or "").strip()))
        elif item.tag == f"{_S}calledDecisionId":
            out.setdefault("decision", []).append(_text(item))
        else:
            out.setdefault("properties", []).append(_canonical(item))


def _aspects(element: Any, lane_of: dict[str, str]) -> dict[str, Any]:
    """What the element means, by aspect; two versions of it differ where these values differ."""
    out: dict[str, list[Any]] = {"type": [_local(element.tag)]}
    for attr, value in sorted(element.attrib.items()):
        if attr == "id" or _DEFAULTS.get(attr) == value.strip():
            continue
        aspect = _ATTRIBUTE_ASPECTS.get(attr, "attributes")
        out.setdefault(aspect, []).append((attr, " ".join(value.split()) if attr == "name" else value))
    if (eid := element.get("id")) in lane_of:
        out["lane"] = [lane_of[eid]]
    for child in element:
        if not isinstance(child.tag, str):
            continue
        local = _local(child.tag)
        if child.tag.startswith(_B) and (local in _FLOW or local in _COLLABORATION or local in _LANE_SETS):
            continue  # an element of its own
        if local in ("incoming", "outgoing"):
            out.setdefault("flows", []).append((local, (child.text or "").strip()))
        elif local == "flowNodeRef":
            out.setdefault("members", []).append((child.text or "").strip())
        elif local == "conditionExpression":
            out.setdefault("condition", []).append(" ".join("".join(child.itertext()).split()))
        elif local == "timerEventDefinition":
            out.setdefault("timer", []).append(_canonical(child))
        elif local.endswith("EventDefinition") or local == "eventDefinitionRef":
            out.setdefault("event", []).append(_canonical(child))
        elif child.tag in _SCRIPT_TAGS:
            out.setdefault("script", []).append((child.tag, (child.text or "").strip()))
        elif local == "extensionElements":
            _extension_aspects(child, out)
        elif local == "documentation":
            out.setdefault("documentation", []).append(_text(child))
        else:
            out.setdefault("content", []).append(_canonical(child))
    return {aspect: sorted(values, key=repr) for aspect, values in out.items()}


def _process(tree: Any, key: str) -> Any:
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    processes = root.findall(f"{_B}process")
    for process in processes:
        if process.get("id") == key:
            return process
    if len(processes) == 1:
        return processes[0]
    raise Invalid(f"the diagram has no process {key!r}", code="unknown_process_in_diagram")


def _elements(process: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Every element of the process by id (subprocess contents and lanes included), and each flow node's lane."""
    found: dict[str, Any] = {}
    lane_of: dict[str, str] = {}
    key = process.get("id")
    if key:
        found[key] = process

    def walk(container: Any) -> None:
        for child in container:
            if not isinstance(child.tag, str) or not child.tag.startswith(_B):
                continue
            local = _local(child.tag)
            if local == "laneSet":
                lanes(child)
            elif local in _FLOW and child.get("id"):
                found.setdefault(child.get("id"), child)
                if local in _CONTAINERS:
                    walk(child)

    def lanes(lane_set: Any) -> None:
        for lane in lane_set.findall(f"{_B}lane"):
            if lane.get("id"):
                found.setdefault(lane.get("id"), lane)
            for ref in lane.findall(f"{_B}flowNodeRef"):
                lane_of[(ref.text or "").strip()] = " ".join((lane.get("name") or lane.get("id") or "").split())
            for child_set in lane.findall(f"{_B}childLaneSet"):
                lanes(child_set)

    walk(process)
    return found, lane_of


def _collaborations(root: Any) -> dict[str, Any]:
    """The document's collaborations, their participants (pools), message flows and artifacts, by id."""
    found: dict[str, Any] = {}
    for collaboration in root.findall(f"{_B}collaboration"):
        if collaboration.get("id"):
            found.setdefault(collaboration.get("id"), collaboration)
        for child in collaboration:
            local = _local(child.tag)
            if child.tag.startswith(_B) and (local in _COLLABORATION or local in _FLOW) and child.get("id"):
                found.setdefault(child.get("id"), child)
    return found


def _read(xml: str, key: str) -> tuple[dict[str, Any], dict[str, str]]:
    raw = xml.encode("utf-8")
    root = parse_untrusted(raw, len(raw) + 1).getroot()
    elements, lane_of = _elements(_process(root, key))
    for eid, element in _collaborations(root).items():
        elements.setdefault(eid, element)
    return elements, lane_of


def diff_diagrams(xml_a: str, xml_b: str, key: str) -> DiagramDiff:
    """What changed in process ``key`` from ``xml_a`` to ``xml_b``, element by element."""
    elements_a, lanes_a = _read(xml_a, key)
    elements_b, lanes_b = _read(xml_b, key)
    result = DiagramDiff()
    for eid in sorted(elements_b.keys() - elements_a.keys()):
        result.added.append(eid)
    for eid in sorted(elements_a.keys() - elements_b.keys()):
        result.removed.append(eid)
    for eid in sorted(elements_a.keys() & elements_b.keys()):
        before, after = _aspects(elements_a[eid], lanes_a), _aspects(elements_b[eid], lanes_b)
        differing = {aspect for aspect in before.keys() | after.keys() if before.get(aspect) != after.get(aspect)}
        if differing:
            result.changed.append(eid)
            result.details[eid] = [a for a in ASPECTS if a in differing]
    for eid in (*result.added, *result.removed, *result.changed):
        element = elements_b.get(eid)
        if element is None:
            element = elements_a[eid]
        result.types[eid] = _local(element.tag)
        if (name := element.get("name")) and name.strip():
            result.names[eid] = " ".join(name.split())
    return result

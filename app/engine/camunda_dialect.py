"""The Camunda dialect: the ``camunda:`` attributes this product reads as its own.

Diagrams drawn in Camunda Modeler keep working: business-rule task ``decisionRef``, user-task
``formKey``, ``candidateGroups`` and ``assignee``, message payloads and result variables, and who may start a process
(``candidateStarterGroups`` / ``candidateStarterUsers`` on ``<bpmn:process>``), and whether its
cases are confidential (the extension property ``confidential`` on ``<bpmn:process>``).
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from app.engine.xml_input import BPMN_MODEL_NS, CAMUNDA_NS, NS, SPIFF_NS
from app.engine.xml_input import element_detail as _detail

# Camunda user-task attributes read as the product's task properties.
CAMUNDA_TASK_ATTRIBUTES = {"formKey": "formKey", "candidateGroups": "candidateGroups", "assignee": "assigneeExpression"}
_THROWING_EVENTS = {"intermediateThrowEvent", "endEvent"}


def read_camunda_dialect(root: Any, errors: list[dict[str, Any]]) -> None:
    """Read the Camunda attributes this product understands as their Spiff equivalents.

    Business-rule tasks: ``camunda:decisionRef`` names the decision they call.
    User tasks: ``camunda:formKey``, ``camunda:candidateGroups`` and a literal ``camunda:assignee``
    become task properties. Messages: a thrower's ``camunda:expression`` becomes its payload and
    the catchers of that message in this file store it in the thrower's ``camunda:resultVariable``
    (default ``<catching event id>_Response``), as Camunda does. JUEL values are refused.
    """
    for task in root.iterfind(".//bpmn:userTask", NS):
        for attribute, prop in CAMUNDA_TASK_ATTRIBUTES.items():
            value = task.get(f"{{{CAMUNDA_NS}}}{attribute}")
            if not value:
                continue
            if "${" in value or "#{" in value:
                errors.append(_detail(task, f"camunda:{attribute}: JUEL expressions (${{...}}) are not supported"))
            elif prop == "assigneeExpression":
                _set_property(task, prop, repr(value))
            else:
                _set_property(task, prop, value)
    for task in root.iterfind(".//bpmn:businessRuleTask", NS):
        ref = task.get(f"{{{CAMUNDA_NS}}}decisionRef")
        if ref and task.find("bpmn:extensionElements/spiffworkflow:calledDecisionId", NS) is None:
            _extension(task, "calledDecisionId").text = ref.strip()
    result_vars: dict[str, str | None] = {}
    for definition in root.iterfind(".//bpmn:messageEventDefinition", NS):
        expression = definition.get(f"{{{CAMUNDA_NS}}}expression")
        if expression is None or etree.QName(definition.getparent()).localname not in _THROWING_EVENTS:
            continue
        _extension(definition, "messagePayload").text = expression
        result_vars[definition.get("messageRef")] = definition.get(f"{{{CAMUNDA_NS}}}resultVariable")
    for definition in root.iterfind(".//bpmn:messageEventDefinition", NS):
        ref = definition.get("messageRef")
        event = definition.getparent()
        if ref not in result_vars or etree.QName(event).localname in _THROWING_EVENTS:
            continue
        if definition.find(".//spiffworkflow:messageVariable", NS) is None:
            _extension(definition, "messageVariable").text = result_vars[ref] or f"{event.get('id')}_Response"


def _extension(element: Any, tag: str) -> Any:
    """A new ``spiffworkflow:<tag>`` in the element's extensionElements (created if needed)."""
    extensions = element.find("bpmn:extensionElements", NS)
    if extensions is None:
        extensions = etree.Element(f"{{{BPMN_MODEL_NS}}}extensionElements")
        element.insert(0, extensions)
    return etree.SubElement(extensions, f"{{{SPIFF_NS}}}{tag}")


def _set_property(element: Any, name: str, value: str) -> None:
    """Add a ``spiffworkflow:property`` unless the diagram already sets that property."""
    for prop in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        if prop.get("name") == name:
            return
    props = element.find("bpmn:extensionElements/spiffworkflow:properties", NS)
    if props is None:
        props = _extension(element, "properties")
    etree.SubElement(props, f"{{{SPIFF_NS}}}property", name=name, value=value)


STARTER_ATTRIBUTES = ("candidateStarterGroups", "candidateStarterUsers")


def starter_rights(process: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Who may start a process, as Camunda declares it on ``<bpmn:process>``: the comma-separated
    ``camunda:candidateStarterGroups`` and ``camunda:candidateStarterUsers``; both empty means
    anyone logged in (as in Camunda)."""
    groups, users = (
        tuple(v.strip() for v in (process.get(f"{{{CAMUNDA_NS}}}{a}") or "").split(",") if v.strip())
        for a in STARTER_ATTRIBUTES
    )
    return groups, users


def is_confidential(process: Any) -> bool:
    """Whether the process declares its cases confidential: the extension property
    ``<camunda:property name="confidential" value="true"/>`` of ``<bpmn:process>`` (the modeler's
    "Extension properties"); who may then see them is ``services/visibility``."""
    path = "bpmn:extensionElements/camunda:properties/camunda:property[@name='confidential']"
    return any((p.get("value") or "").strip().lower() == "true" for p in process.iterfind(path, NS))


def check_starters(root: Any, errors: list[dict[str, Any]]) -> None:
    for process in root.iterfind("bpmn:process", NS):
        for attribute in STARTER_ATTRIBUTES:
            value = process.get(f"{{{CAMUNDA_NS}}}{attribute}") or ""
            if "${" in value or "#{" in value:
                errors.append(_detail(process, f"camunda:{attribute}: expressions are not supported; list the keys"))

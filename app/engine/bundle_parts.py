"""What a deployment bundle reads from its XML besides compiling it: decision tables parsed as
safely as diagrams, the processes of a diagram and the forms its user tasks use."""

from __future__ import annotations

from typing import Any

from lxml import etree

from app.engine.xml_input import CAMUNDA_NS, NS, parse_untrusted


def parse_untrusted_decisions(data: bytes) -> etree._ElementTree:
    """Parse an uploaded ``.dmn`` file with the diagrams' hardened parser (no DTD, no entities,
    no network; a DMN ``<definitions>`` root) or raise ``Invalid``; its size is the caller's check."""
    return parse_untrusted(data, max(len(data), 1), document="dmn")


def executable_process_keys(tree: etree._ElementTree) -> list[str]:
    """The ids of the executable processes of a parsed diagram (the keys its versions get)."""
    return [
        str(p.get("id"))
        for p in tree.getroot().iterfind("bpmn:process", NS)
        if p.get("isExecutable", "").lower() == "true" and p.get("id")
    ]


def calls_decisions(tree: etree._ElementTree) -> bool:
    """Whether a business-rule task of the diagram may call a decision table."""
    return tree.getroot().find(".//bpmn:businessRuleTask", NS) is not None


def form_keys(tree: etree._ElementTree) -> set[str]:
    """The form keys the diagram's user tasks use (as the engine reads them: the ``formKey``
    property or ``camunda:formKey``, else the task's id)."""
    keys: set[str] = set()
    for task in tree.getroot().iterfind(".//bpmn:userTask", NS):
        keys.add(_form_key(task) or str(task.get("id") or ""))
    keys.discard("")
    return keys


def _form_key(task: Any) -> str | None:
    for prop in task.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS):
        if prop.get("name") == "formKey" and prop.get("value"):
            return str(prop.get("value"))
    value = task.get(f"{{{CAMUNDA_NS}}}formKey")
    return str(value) if value else None

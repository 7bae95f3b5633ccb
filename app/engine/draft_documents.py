"""What the workbench reads off a draft's documents without compiling them: the processes a
diagram declares, the forms its user tasks use, and whether a decision table is DMN XML at all.

A draft may hold a diagram that cannot run (it is being edited), so nothing here compiles; the
same hardened parser as deploy refuses hostile XML.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from app.engine.xml_input import _DOCTYPE, CAMUNDA_NS, NS, _detail, _parser
from app.errors import Invalid, PayloadTooLarge


def executable_process_ids(tree: Any) -> list[str]:
    """The ids of the executable processes of a parsed diagram, in document order."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    return [p.get("id") for p in root.iterfind("bpmn:process", NS) if p.get("isExecutable") == "true" and p.get("id")]


def form_keys(tree: Any) -> list[str]:
    """The form keys of a diagram's user tasks, as the engine resolves them (``formKey`` property,
    ``camunda:formKey``, else the task's id), without duplicates, in document order."""
    root = tree.getroot() if hasattr(tree, "getroot") else tree
    keys: dict[str, None] = {}
    for task in root.iterfind(".//bpmn:userTask", NS):
        declared = task.find(".//spiffworkflow:property[@name='formKey']", NS)
        key = declared.get("value") if declared is not None else task.get(f"{{{CAMUNDA_NS}}}formKey")
        key = key or task.get("id")
        if key:
            keys[key] = None
    return list(keys)


def check_decision_table(data: bytes, max_bytes: int, name: str) -> None:
    """Refuse a ``.dmn`` file that is not well-formed DMN XML (hostile XML included), naming ``name``."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(f"{name} is {len(data)} bytes; the limit is {max_bytes}", code="file_too_large")
    if _DOCTYPE.search(data):
        raise Invalid(
            f"{name}: DOCTYPE and ENTITY declarations are not allowed",
            code="forbidden_xml",
            details=[{"file": name, **_detail(None, "DOCTYPE/ENTITY declarations are refused")}],
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise Invalid(
            f"{name} is not well-formed XML: {exc.msg} (line {exc.lineno})",
            code="malformed_xml",
            details=[{"file": name, **_detail(None, f"line {exc.lineno}: {exc.msg}")}],
        ) from None
    qname = etree.QName(root)
    if (
        root.getroottree().docinfo.internalDTD is not None
        or qname.localname != "definitions"
        or ("DMN" not in (qname.namespace or "").upper())
    ):
        raise Invalid(
            f"{name} is not a DMN <definitions> document",
            code="invalid_dmn",
            details=[{"file": name, **_detail(None, f"root element is {qname.localname!r}")}],
        )

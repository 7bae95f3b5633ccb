"""Hardened parsing of untrusted BPMN XML (no DTD, no entities, no network)."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

from app.errors import Invalid, PayloadTooLarge

BPMN_MODEL_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA_NS = "http://camunda.org/schema/1.0/bpmn"
NS = {"bpmn": BPMN_MODEL_NS, "spiffworkflow": SPIFF_NS, "camunda": CAMUNDA_NS}
# DMN 1.3 (dmn-js, Camunda Modeler), 1.2 and 1.1: the decision tables business-rule tasks call
DMN_NAMESPACES = (
    "https://www.omg.org/spec/DMN/20191111/MODEL/",
    "http://www.omg.org/spec/DMN/20180521/MODEL/",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd",
)


def element_detail(element: Any, message: str, *, rule: str | None = None) -> dict[str, Any]:
    """An error detail naming a BPMN element by its id (and the validation rule, when known)."""
    element_id = element.get("id") if element is not None else None
    detail: dict[str, Any] = {"element_id": element_id, "message": message}
    if rule is not None:
        detail["rule"] = rule
    return detail


_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def parse_untrusted(data: bytes, max_bytes: int, document: str = "bpmn") -> etree._ElementTree:
    """Parse an uploaded diagram (``document="dmn"``: a decision table) or raise
    ``Invalid``/``PayloadTooLarge`` naming the problem."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            f"diagram is {len(data)} bytes; the limit is {max_bytes}",
            code="diagram_too_large",
        )
    if not data.strip():
        raise Invalid("the diagram is empty", code="invalid_bpmn", details=[_detail(None, "the diagram is empty")])
    if _DOCTYPE.search(data):
        raise Invalid(
            "DOCTYPE and ENTITY declarations are not allowed in a diagram",
            code="forbidden_xml",
            details=[_detail(None, "DOCTYPE/ENTITY declarations are refused (XXE, entity expansion)")],
        )
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise Invalid(
            f"the body is not well-formed XML: {exc.msg} (line {exc.lineno})",
            code="malformed_xml",
            details=[_detail(None, f"not well-formed XML, line {exc.lineno}: {exc.msg}")],
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # e.g. a UTF-16 body the byte check cannot read
        raise Invalid(
            "DOCTYPE and ENTITY declarations are not allowed in a diagram",
            code="forbidden_xml",
            details=[_detail(None, "DOCTYPE/ENTITY declarations are refused (XXE, entity expansion)")],
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid(
            f"the diagram is not UTF-8 (declared {docinfo.encoding}); send it as UTF-8",
            code="invalid_bpmn",
            details=[_detail(None, "diagrams are stored as UTF-8 text; re-save the file as UTF-8")],
        ) from None
    if document == "dmn":
        if not isinstance(root.tag, str) or root.tag not in {f"{{{ns}}}definitions" for ns in DMN_NAMESPACES}:
            raise Invalid(
                "the document is not a DMN <definitions> element",
                code="invalid_dmn",
                details=[_detail(None, f"root element is {etree.QName(root).localname!r}")],
            )
    elif not isinstance(root.tag, str) or root.tag != f"{{{BPMN_MODEL_NS}}}definitions":
        raise Invalid(
            "the document is not a BPMN 2.0 <definitions> element",
            code="invalid_bpmn",
            details=[
                _detail(None, f"not a BPMN 2.0 <definitions> document: root element is {etree.QName(root).localname!r}")
            ],
        )
    return root.getroottree()


def _detail(element_id: str | None, message: str) -> dict[str, str | None]:
    return {"element_id": element_id, "rule": "xml", "message": message}

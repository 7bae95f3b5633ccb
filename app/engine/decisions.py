"""Decision tables (DMN) that business-rule tasks call, evaluated through the sandbox.

Every cell of a table is code from another person: input expressions, input entries and
output entries are Python expressions checked by the sandbox when the bundle is deployed
(``check_decisions``) and evaluated by the workflow's sandboxed script environment when the
task runs (``DecisionEngine``), never by a plain ``eval``.

An input entry is a test of the input's value, built the same way for the check and the run
(``entry_test``): ``-`` or empty matches anything; an entry containing ``?`` is that
expression with ``?`` standing for the value (``500 < ? <= 1000``); a complete expression is
compared for equality (``"sales"``, ``True``), a list of values for membership
(``"sales", "after_sales"``); otherwise the entry continues the value
(``<= 500``, ``in ("a", "b")``).

Hit policies: ``UNIQUE`` (exactly one rule must match), ``FIRST`` (the first matching rule, in
table order) and ``COLLECT`` (every matching rule; each output becomes a list, empty when none
matches). A UNIQUE or FIRST table where no rule matches fails the task, so the instance gets an
incident naming the business-rule task, the decision and the input values.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

from lxml import etree
from SpiffWorkflow.dmn.engine.DMNEngine import DMNEngine
from SpiffWorkflow.dmn.serializer.task_spec import BaseBusinessRuleTaskConverter
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.task_spec import BusinessRuleTaskConverter

from app.engine import data_codec, sandbox
from app.engine.xml_input import DMN_NAMESPACES, NS

HIT_POLICIES = ("UNIQUE", "FIRST", "COLLECT")
# ``?`` outside string literals stands for the input's value
_PLACEHOLDER = re.compile(r"""\?(?=(?:[^'"]|'[^']*'|"[^"]*")*$)""")
_OUTPUT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)*$")

DECISION_MISSING = "decision-missing"  # the validation rule of a call to a table the bundle lacks


class DecisionFailed(Exception):
    """A decision table could not decide: no rule matched, too many did, or a cell failed."""


def is_any(entry: str | None) -> bool:
    return entry is None or entry.strip() in ("", "-")


def entry_test(input_expression: str, entry: str) -> str:
    """The Python expression that tests one input entry against its input's value."""
    value = f"({input_expression.strip()})"
    text = entry.strip()
    if _PLACEHOLDER.search(text):
        return _PLACEHOLDER.sub(lambda _: value, text)
    try:
        parsed = ast.parse(text, mode="eval")
    except SyntaxError:
        return f"{value} {text}"  # a continuation such as "<= 500"
    if isinstance(parsed.body, ast.Tuple):  # "a", "b": one of them, as a modeler means it
        return f"{value} in ({text})"
    return f"{value} == ({text})"


class DecisionEngine(DMNEngine):
    """SpiffWorkflow's table runner with the product's entry tests and hit-policy checks."""

    def result(self, task: Any) -> dict[str, Any]:
        result = self._decide(task)
        try:
            data_codec.check_variables(result)
        except data_codec.UnstorableValue as exc:
            raise DecisionFailed(f"decision '{self.decision_table.name}': {exc}") from None
        return result

    def _decide(self, task: Any) -> dict[str, Any]:
        table = self.decision_table
        policy = str(table.hit_policy).upper()
        matched = []
        for rule in table.rules:
            if self._matches(rule, task):
                matched.append(rule)
                if policy == "FIRST":
                    break
        if policy == "COLLECT":
            result: dict[str, Any] = {_base(o): [] for o in table.outputs}
            for rule in matched:
                for key, value in self._outputs(rule, task).items():
                    result[key].append(value)
            return result
        if not matched:
            raise DecisionFailed(f"no rule of decision '{table.name}' matches ({self._inputs_shown(task)})")
        if policy == "UNIQUE" and len(matched) > 1:
            rows = ", ".join(str(r.row_number) for r in matched)
            raise DecisionFailed(
                f"rules {rows} of decision '{table.name}' all match ({self._inputs_shown(task)}); "
                "a UNIQUE table needs exactly one"
            )
        return self._outputs(matched[0], task)

    def decide_data(self, workflow: Any, data: dict[str, Any]) -> dict[str, Any]:
        """The table's result over ``data`` outside any task (e.g. a repeat contact)."""

        class _Data:
            def __init__(self) -> None:
                self.workflow, self.data = workflow, dict(data)

        return self.result(_Data())

    def _matches(self, rule: Any, task: Any) -> bool:
        for entry in rule.inputEntries:
            for lhs in entry.lhs:
                if is_any(lhs):
                    continue
                test = entry_test(entry.input.expression or "", lhs)
                if not self._evaluate(task, test, rule, f"input '{_label(entry.input)}'"):
                    return False
        return True

    def _outputs(self, rule: Any, task: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for entry in rule.outputEntries:
            text = entry.text if entry.text and entry.text.strip() else "None"
            value = self._evaluate(task, text, rule, f"output '{_label(entry.output)}'")
            *parents, leaf = (entry.output.name or entry.output.label).split(".")
            target = out
            for part in parents:
                target = target.setdefault(part, {})
            target[leaf] = value
        return out

    def _evaluate(self, task: Any, expression: str, rule: Any, cell: str) -> Any:
        try:
            return task.workflow.script_engine.environment.evaluate(expression, task.data)
        except Exception as exc:
            raise DecisionFailed(
                f"decision '{self.decision_table.name}', rule {rule.row_number} ({rule.id}), {cell}: "
                f"{type(exc).__name__}: {exc}"
            ) from None

    def _inputs_shown(self, task: Any) -> str:
        shown = []
        for item in self.decision_table.inputs:
            try:
                value = task.workflow.script_engine.environment.evaluate(item.expression, task.data)
            except Exception as exc:
                value = f"<{type(exc).__name__}>"
            shown.append(f"{item.expression} = {value!r}")
        return ", ".join(shown)


def decide_alone(tree: etree._ElementTree, data: dict[str, Any]) -> dict[str, Any]:
    """The result of a DMN document's decision over ``data`` outside any process, for tools
    reading the product's own tables (the cells run in this process's sandbox, without the
    script workers' time limits; instances use ``Instance.decide``)."""
    parser = DecisionParser()
    parser.add_dmn_xml(tree.getroot())
    [decision_id] = parser.dmn_parsers
    engine = parser.get_engine(decision_id, tree.getroot())
    workflow = SimpleNamespace(script_engine=SimpleNamespace(environment=SimpleNamespace(evaluate=sandbox.evaluate)))
    return engine.decide_data(workflow, data)


def _label(item: Any) -> str:
    return str(item.label or item.name or item.id)


def _base(output: Any) -> str:
    return str(output.name or output.label).split(".")[0]


class DecisionParser(SpiffBpmnParser):
    """SpiffWorkflow's parser whose business-rule tasks run their table with ``DecisionEngine``.

    The stored table's ``name`` is the id of the decision it came from, so messages and
    ``Instance.decide`` can name it."""

    def get_engine(self, decision_ref: str, node: Any) -> DecisionEngine:
        table = super().get_engine(decision_ref, node).decision_table
        table.name = decision_ref
        return DecisionEngine(table)


class DecisionTaskConverter(BusinessRuleTaskConverter):
    """Restores a business-rule task with its table in a ``DecisionEngine``."""

    def from_dict(self, dct: dict[str, Any]) -> Any:
        table = BaseBusinessRuleTaskConverter.decision_table_from_dict(self, dct.pop("decision_table"))
        dct["dmnEngine"] = DecisionEngine(table)
        return self.task_spec_from_dict(dct)


# --- checks made when a bundle is deployed ------------------------------------------------


def decision_elements(decisions: Sequence[etree._ElementTree]) -> dict[str, Any]:
    """Decision id -> its ``<decision>`` element, over every DMN document of the bundle."""
    found: dict[str, Any] = {}
    for tree in decisions:
        root = tree.getroot()
        for node in root:
            if isinstance(node.tag, str) and etree.QName(node).localname == "decision":
                found.setdefault(node.get("id"), node)
    return found


def called_decision(task: Any) -> str | None:
    """The decision a ``bpmn:businessRuleTask`` calls (``spiffworkflow:calledDecisionId``)."""
    ref = task.find("bpmn:extensionElements/spiffworkflow:calledDecisionId", NS)
    text = (ref.text or "").strip() if ref is not None else ""
    return text or None


def check_decisions(
    root: Any, decisions: Sequence[etree._ElementTree], errors: list[dict[str, Any]]
) -> list[etree._ElementTree]:
    """Check the business-rule tasks of a diagram and the tables they call; returns the DMN
    documents the diagram uses (the ones its specs will carry)."""
    broken: set[str] = set()
    documents = _check_documents(decisions, errors, broken)
    available = decision_elements(documents)
    used: list[etree._ElementTree] = []
    for task in root.iterfind(".//bpmn:businessRuleTask", NS):
        ref = called_decision(task)
        if ref is None:
            errors.append(
                _detail(
                    task.get("id"),
                    "business rule task names no decision (spiffworkflow:calledDecisionId)",
                    rule=DECISION_MISSING,
                )
            )
        elif ref in broken:
            continue  # its table's own errors say what to fix
        elif ref not in available:
            known = ", ".join(sorted(available)) or "none"
            errors.append(
                _detail(
                    task.get("id"),
                    f"business rule task calls decision '{ref}', which is not among the decision tables "
                    f"deployed with it (available: {known})",
                    rule=DECISION_MISSING,
                )
            )
        else:
            tree = available[ref].getroottree()
            if all(tree is not t for t in used):
                used.append(tree)
    return used


def _check_documents(
    decisions: Sequence[etree._ElementTree], errors: list[dict[str, Any]], broken: set[str]
) -> list[Any]:
    """The documents without errors; ``broken`` gets the ids of decisions with errors."""
    documents = []
    seen: set[str] = set()
    for tree in decisions:
        root = tree.getroot()
        namespace = etree.QName(root).namespace
        if namespace not in DMN_NAMESPACES or etree.QName(root).localname != "definitions":
            errors.append(_detail(root.get("id"), "the document is not a DMN <definitions> element"))
            continue
        default = root.nsmap.get(None)
        if default != namespace and (default is not None or root.nsmap.get("dmn") != namespace):
            errors.append(
                _detail(root.get("id"), "write the DMN namespace as the default namespace or with the prefix dmn")
            )
            continue
        decisions_here = [n for n in root if isinstance(n.tag, str) and etree.QName(n).localname == "decision"]
        if len(decisions_here) != 1:
            errors.append(
                _detail(
                    root.get("id"),
                    f"a DMN file holds exactly one decision; this one has {len(decisions_here)}",
                )
            )
            continue
        decision = decisions_here[0]
        did = decision.get("id")
        if not did:
            errors.append(_detail(root.get("id"), "the decision has no id"))
            continue
        if did in seen:
            errors.append(_detail(did, f"decision '{did}' is defined by more than one DMN file"))
            continue
        seen.add(did)
        before = len(errors)
        _check_table(decision, namespace, errors)
        if len(errors) == before:
            documents.append(tree)
        else:
            broken.add(did)
    return documents


def _check_table(decision: Any, namespace: str, errors: list[dict[str, Any]]) -> None:
    ns = {"dmn": namespace}
    did = decision.get("id")
    tables = decision.findall("dmn:decisionTable", ns)
    if len(tables) != 1:
        errors.append(_detail(did, f"decision '{did}' must be one decision table (found {len(tables)})"))
        return
    table = tables[0]
    policy = (table.get("hitPolicy") or "UNIQUE").upper()
    if policy not in HIT_POLICIES or table.get("aggregation"):
        errors.append(
            _detail(
                did,
                f"decision '{did}': hit policy {' '.join(filter(None, (policy, table.get('aggregation'))))}"
                f" is not supported; use {', '.join(HIT_POLICIES)} (COLLECT without aggregation)",
            )
        )
    for node in table:
        if isinstance(node.tag, str) and etree.QName(node).localname not in ("input", "output", "rule"):
            errors.append(
                _detail(
                    node.get("id") or did,
                    f"decision '{did}': <{etree.QName(node).localname}> columns are not supported; "
                    "write notes in a rule's description",
                )
            )
    inputs = table.findall("dmn:input", ns)
    outputs = table.findall("dmn:output", ns)
    expressions = []
    for item in inputs:
        text = item.findtext("dmn:inputExpression/dmn:text", default="", namespaces=ns).strip()
        where = f"decision '{did}', input '{item.get('label') or item.get('id')}'"
        if not text:
            errors.append(_detail(item.get("id"), f"{where}: the input has no expression"))
        else:
            _check_code(item.get("id"), text, f"{where}: input expression", errors)
        expressions.append(text or "None")
    for item in outputs:
        name = item.get("name") or item.get("label") or ""
        if not _OUTPUT_NAME.match(name) or name.split(".")[0] in sandbox.RESERVED_NAMES:
            errors.append(
                _detail(
                    item.get("id"),
                    f"decision '{did}': output name {name!r} must be a variable name "
                    "(letters, digits, _; dots for the keys of an object) that is not a built-in",
                )
            )
    for row, rule in enumerate(table.findall("dmn:rule", ns), start=1):
        entries = rule.findall("dmn:inputEntry", ns)
        results = rule.findall("dmn:outputEntry", ns)
        where = f"decision '{did}', rule {row}"
        if len(entries) != len(inputs) or len(results) != len(outputs):
            errors.append(_detail(rule.get("id"), f"{where}: the rule must have one cell per input and output"))
            continue
        for item, expression, entry in zip(inputs, expressions, entries, strict=True):
            text = entry.findtext("dmn:text", default="", namespaces=ns)
            if not is_any(text):
                label = item.get("label") or item.get("id")
                _check_code(rule.get("id"), entry_test(expression, text), f"{where}, input '{label}': entry", errors)
        for item, entry in zip(outputs, results, strict=True):
            text = entry.findtext("dmn:text", default="", namespaces=ns)
            if text.strip():
                label = item.get("label") or item.get("name")
                _check_code(rule.get("id"), text, f"{where}, output '{label}'", errors)


def _check_code(element_id: str | None, source: str, where: str, errors: list[dict[str, Any]]) -> None:
    if "${" in source or "#{" in source:
        errors.append(_detail(element_id, f"{where}: JUEL expressions (${{...}}) are not supported; write Python"))
        return
    try:
        sandbox.compile_expression(source)
    except sandbox.ScriptError as exc:
        errors.append(_detail(element_id, f"{where} refused: {exc} (cells are Python expressions, not FEEL)"))


def _detail(element_id: str | None, message: str, *, rule: str | None = None) -> dict[str, Any]:
    return {"element_id": element_id, "message": message} | ({"rule": rule} if rule else {})

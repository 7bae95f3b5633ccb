"""Small diagrams with a business-rule task, and decision tables built in code, for engine tests."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from app.engine import CompiledProcess, compile_diagram, parse_untrusted
from handlers import REGISTRY
from tests.diagrams import HEAD

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
DMN_NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def rule_diagram(key: str, decision: str, *, camunda: bool = False) -> bytes:
    """start -> business-rule task ``rule`` calling ``decision`` -> user task ``after`` -> end."""
    if camunda:
        head = HEAD.replace(
            "<bpmn:definitions ", '<bpmn:definitions xmlns:camunda="http://camunda.org/schema/1.0/bpmn" '
        )
        task = f'<bpmn:businessRuleTask id="rule" name="Decide" camunda:decisionRef="{decision}"/>'
    else:
        head = HEAD
        task = (
            '<bpmn:businessRuleTask id="rule" name="Decide"><bpmn:extensionElements>'
            f"<spiffworkflow:calledDecisionId>{decision}</spiffworkflow:calledDecisionId>"
            "</bpmn:extensionElements></bpmn:businessRuleTask>"
        )
    return (
        f'{head}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="rule"/>'
        f'{task}<bpmn:sequenceFlow id="f2" sourceRef="rule" targetRef="after"/>'
        '<bpmn:userTask id="after" name="After"/><bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>'
    ).encode()


def table(
    decision: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
    rules: Sequence[tuple[Sequence[str], Sequence[str]]],
    *,
    hit_policy: str = "UNIQUE",
    extra: str = "",
) -> bytes:
    """A DMN 1.3 document with one decision table: ``inputs`` are input expressions,
    ``outputs`` output names, each rule (input entries, output entries); ids ``in1``,
    ``out1``, ``r1``..."""
    cells = "".join(
        f'<input id="in{i}" label="{escape(e)}"><inputExpression id="ie{i}"><text>{escape(e)}</text>'
        "</inputExpression></input>"
        for i, e in enumerate(inputs, 1)
    )
    cells += "".join(f'<output id="out{i}" label="{o}" name="{o}"/>' for i, o in enumerate(outputs, 1))
    for n, (entries, results) in enumerate(rules, 1):
        cells += f'<rule id="r{n}">'
        cells += "".join(
            f'<inputEntry id="r{n}i{i}"><text>{escape(t)}</text></inputEntry>' for i, t in enumerate(entries, 1)
        )
        cells += "".join(
            f'<outputEntry id="r{n}o{i}"><text>{escape(t)}</text></outputEntry>' for i, t in enumerate(results, 1)
        )
        cells += "</rule>"
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><definitions xmlns="{DMN_NS}" id="defs_{decision}" '
        f'name="{decision}" namespace="test"><decision id="{decision}" name="{decision}">'
        f'<decisionTable id="table_{decision}" hitPolicy="{hit_policy}"{extra}>{cells}</decisionTable>'
        "</decision></definitions>"
    ).encode()


def product_table(name: str) -> bytes:
    return (PROCESSES / f"{name}.dmn").read_bytes()


def compiled(diagram: bytes, decisions: Sequence[bytes]) -> CompiledProcess:
    tables = [parse_untrusted(d, 1 << 20, document="dmn") for d in decisions]
    [process] = compile_diagram(parse_untrusted(diagram, 1 << 20), REGISTRY, diagram, tables)
    return process

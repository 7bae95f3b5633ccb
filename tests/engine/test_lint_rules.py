"""Validation rules one by one, on small diagrams (``app.engine.lint``, ``app.engine.lint_graph``)."""

from __future__ import annotations

from itertools import pairwise

import pytest
from lxml import etree

from app.engine import parse_untrusted
from app.engine.lint import LintContext, lint_diagram
from handlers import REGISTRY
from tests.diagrams import HEAD, user_task

DMN = (
    b'<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="dmn" name="t" namespace="x">'
    b'<decision id="authority" name="Authority"/></definitions>'
)


def lint(body: str, context: LintContext | None = None, decisions=()):
    raw = f'{HEAD}<bpmn:process id="p" isExecutable="true">{body}</bpmn:process></bpmn:definitions>'.encode()
    return lint_diagram(parse_untrusted(raw, 10**6), raw, REGISTRY, context or LintContext(), decisions)


def rules_at(findings):
    return {(f["element_id"], f["rule"]) for f in findings}


def chain(*middle: str) -> str:
    """start -> each of ``middle`` (element ids a..) -> end, with flows f0..fn."""
    ids = ["start", *[m.split('id="')[1].split('"')[0] for m in middle], "end"]
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(pairwise(ids))
    )
    return '<bpmn:startEvent id="start"/>' + "".join(middle) + '<bpmn:endEvent id="end"/>' + flows


def gateway(conditions: list[str], default: bool = False) -> str:
    outs = "".join(
        f'<bpmn:sequenceFlow id="c{i}" sourceRef="gw" targetRef="end">'
        f"<bpmn:conditionExpression>{c}</bpmn:conditionExpression></bpmn:sequenceFlow>"
        for i, c in enumerate(conditions)
    )
    if default:
        outs += '<bpmn:sequenceFlow id="dflt" sourceRef="gw" targetRef="end"/>'
    attr = ' default="dflt"' if default else ""
    return (
        '<bpmn:startEvent id="start"/><bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="gw"/>'
        f'<bpmn:exclusiveGateway id="gw"{attr}/>{outs}<bpmn:endEvent id="end"/>'
    )


@pytest.mark.parametrize(
    ("conditions", "default", "warned"),
    [
        (["x == 1", "x == 2"], False, True),
        (["x == 1", "x != 1"], False, False),
        (["flag", "not flag"], False, False),
        (["s in ('a', 'b')", "s not in ('a', 'b')"], False, False),
        (["x == 1", "x == 2"], True, False),
    ],
)
def test_a_gateway_without_default_is_warned_unless_its_conditions_cover_every_case(conditions, default, warned):
    report = lint(gateway(conditions, default))
    assert (("gw", "no-default-flow") in rules_at(report.warnings)) is warned
    assert report.errors == []


@pytest.mark.parametrize("value", ["PT24", "P1DT", "PT1HX", "2026-13-45T10:00:00"])
def test_a_timer_value_with_a_typo_is_an_error_at_its_event(value):
    body = chain(user_task("wait", "Wait")) + (
        '<bpmn:boundaryEvent id="late" attachedToRef="wait" cancelActivity="false"><bpmn:timerEventDefinition>'
        f"<bpmn:timeDuration>{value}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="fl" sourceRef="late" targetRef="lateEnd"/><bpmn:endEvent id="lateEnd"/>'
    )
    report = lint(body)
    assert ("late", "timer") in rules_at(report.errors), report.errors


@pytest.mark.parametrize("value", ["PT24H", "P2D", "R3/PT1H", "sla['contact_due']", "2026-12-03T18:00:00+08:00"])
def test_valid_timer_values_and_expressions_pass(value):
    body = chain(user_task("wait", "Wait")) + (
        '<bpmn:boundaryEvent id="late" attachedToRef="wait" cancelActivity="false"><bpmn:timerEventDefinition>'
        f"<bpmn:timeDuration>{value}</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="fl" sourceRef="late" targetRef="lateEnd"/><bpmn:endEvent id="lateEnd"/>'
    )
    assert lint(body).errors == []


def test_a_decision_of_the_bundle_satisfies_the_business_rule_task():
    task = (
        '<bpmn:businessRuleTask id="decide" name="Decide"><bpmn:extensionElements>'
        "<spiffworkflow:calledDecisionId>authority</spiffworkflow:calledDecisionId>"
        "</bpmn:extensionElements></bpmn:businessRuleTask>"
    )
    without = lint(chain(task))
    assert ("decide", "decision-missing") in rules_at(without.errors)
    with_table = lint(chain(task), decisions=[etree.ElementTree(etree.fromstring(DMN))])
    assert ("decide", "decision-missing") not in rules_at(with_table.errors)


def test_forms_and_groups_are_checked_only_against_what_the_context_knows():
    body = chain(
        user_task("known", "Known", form_key="confirm_record"),
        user_task("typo", "Typo", form_key="confrim_record"),
        user_task("bare", "Bare"),
        user_task("routed", "Routed", props={"candidateGroups": "ghosts, quality"}),
    )
    unknown = lint(body)
    assert {r for _, r in rules_at(unknown.warnings)} & {"form-missing", "lane-group"} == set()
    context = LintContext(forms=frozenset({"confirm_record", "bare"}), groups=frozenset({"quality"}))
    warned = rules_at(lint(body, context).warnings)
    assert ("typo", "form-missing") in warned and ("known", "form-missing") not in warned
    assert ("bare", "user-task-form") not in warned  # a form named like the task's id
    assert ("routed", "lane-group") in warned and ("routed", "user-task-form") in warned


def test_an_embedded_camunda_form_is_a_form():
    task = (
        '<bpmn:userTask id="inline" name="Inline" xmlns:camunda="http://camunda.org/schema/1.0/bpmn">'
        '<bpmn:extensionElements><camunda:formData><camunda:formField id="ok" type="boolean"/>'
        "</camunda:formData></bpmn:extensionElements></bpmn:userTask>"
    )
    warned = rules_at(lint(chain(task), LintContext(forms=frozenset())).warnings)
    assert not {r for _, r in warned} & {"user-task-form", "form-missing"}


def test_an_error_in_a_pool_that_never_runs_blocks_nothing():
    raw = (
        f'{HEAD}<bpmn:process id="p" isExecutable="true">{chain(user_task("t", "T"))}</bpmn:process>'
        '<bpmn:process id="idle" isExecutable="false"><bpmn:task id="x" name="X"/></bpmn:process>'
        "</bpmn:definitions>"
    ).encode()
    report = lint_diagram(parse_untrusted(raw, 10**6), raw, REGISTRY, LintContext())
    assert report.errors == [] and report.compiled
    assert ("idle", "start-event-required") in rules_at(report.warnings)


def test_unreachable_elements_are_warned():
    body = chain(user_task("a", "A")) + (
        '<bpmn:userTask id="loop1" name="L1"/><bpmn:userTask id="loop2" name="L2"/>'
        '<bpmn:sequenceFlow id="l1" sourceRef="loop1" targetRef="loop2"/>'
        '<bpmn:sequenceFlow id="l2" sourceRef="loop2" targetRef="loop1"/>'
    )
    warned = rules_at(lint(body).warnings)
    assert {("loop1", "unreachable"), ("loop2", "unreachable")} <= warned
    assert ("a", "unreachable") not in warned

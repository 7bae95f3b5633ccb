"""Business-rule tasks and their decision tables in the engine (app/engine/decisions.py).

Tables run through the sandboxed script environment, keep the hit policy's meaning (UNIQUE,
FIRST, COLLECT), travel in the stored spec, and fail as an incident at the task; every cell is
refused at deploy when the sandbox refuses it, naming the rule or input.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from app.engine import Engine, compile_diagram, parse_untrusted
from app.errors import Invalid
from handlers import REGISTRY
from tests.engine.corpus_harness import Run
from tests.engine.decision_diagrams import compiled, rule_diagram, table

AMOUNT_TABLE = table(
    "amount_band",
    ["amount"],
    ["band"],
    [(["<= 10"], ['"small"']), (["10 < ? <= 100"], ['"medium"']), (["> 100"], ['"large"'])],
)


def decide(decisions: list[bytes], decision: str, **data: object) -> Run:
    return Run(compiled(rule_diagram(f"p_{decision}", decision), decisions), data)


def refused(diagram: bytes, decisions: list[bytes]) -> list[dict[str, object]]:
    with pytest.raises(Invalid) as caught:
        compiled(diagram, decisions)
    assert caught.value.code == "invalid_bpmn"
    return list(caught.value.details)


# --- hit policies -------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "band"), [(10, "small"), (10.01, "medium"), (100, "medium"), (100.5, "large")])
def test_unique_table_picks_the_one_matching_rule(amount, band):
    run = decide([AMOUNT_TABLE], "amount_band", amount=amount)
    assert run.result.incident is None
    assert run.ready() == ["after"]
    assert run.inst.variables()["band"] == band


def test_unique_table_with_two_matching_rules_is_an_incident_naming_the_task():
    overlapping = table("overlap", ["n"], ["x"], [([">= 0"], ["1"]), (["<= 5"], ["2"])])
    run = decide([overlapping], "overlap", n=3)
    assert run.result.incident.element_id == "rule"
    assert "rules 1, 2 of decision 'overlap' all match (n = 3)" in run.result.incident.message
    assert run.ready() == []


def test_unique_table_where_no_rule_matches_is_an_incident_naming_the_task_and_the_input():
    run = decide([AMOUNT_TABLE], "amount_band", amount=None)
    assert run.result.incident.element_id == "rule"
    assert "decision 'amount_band', rule 1 (r1)" in run.result.incident.message
    only_positive = table("positive", ["n"], ["sign"], [(["> 0"], ['"+"'])])
    run = decide([only_positive], "positive", n=-5)
    assert run.result.incident.element_id == "rule"
    assert "no rule of decision 'positive' matches (n = -5)" in run.result.incident.message
    assert run.ready() == [] and not run.inst.completed


def test_first_table_takes_the_first_matching_rule_in_order():
    first = table(
        "first_band",
        ["n"],
        ["band"],
        [(["<= 10"], ['"low"']), (["<= 100"], ['"mid"']), (["-"], ['"high"'])],
        hit_policy="FIRST",
    )
    assert [decide([first], "first_band", n=n).inst.variables()["band"] for n in (5, 50, 500)] == [
        "low",
        "mid",
        "high",
    ]
    no_default = table("first_none", ["n"], ["band"], [(["<= 10"], ['"low"'])], hit_policy="FIRST")
    run = decide([no_default], "first_none", n=11)
    assert run.result.incident.element_id == "rule"
    assert "no rule of decision 'first_none' matches" in run.result.incident.message


def test_collect_table_lists_every_matching_rule_and_an_empty_list_when_none_does():
    tags = table(
        "tags",
        ["vip", "amount"],
        ["tags.name", "tags.weight"],
        [(["True", "-"], ['"vip"', "2"]), (["-", ">= 1000"], ['"big"', "1"]), (["False", "-"], ['"plain"', "0"])],
        hit_policy="COLLECT",
    )
    both = decide([tags], "tags", vip=True, amount=5000).inst.variables()["tags"]
    assert both == [{"name": "vip", "weight": 2}, {"name": "big", "weight": 1}]
    assert decide([tags], "tags", vip=None, amount=1).inst.variables()["tags"] == []


def test_entry_forms_dash_equality_continuation_and_placeholder():
    forms = table(
        "forms",
        ["subject", "n"],
        ["hit"],
        [
            (['"a"', "-"], ['"equal"']),
            (['in ("b", "c")', "-"], ['"membership"']),
            (['"d", "e"', "-"], ['"one of"']),
            (["-", "0 < ? < 10"], ['"range"']),
            (["-", ""], ['"any"']),
        ],
        hit_policy="FIRST",
    )
    hits = [decide([forms], "forms", subject=s, n=n).inst.variables()["hit"] for s, n in [("a", 0), ("c", 0)]]
    assert hits == ["equal", "membership"]
    assert decide([forms], "forms", subject="e", n=0).inst.variables()["hit"] == "one of"
    assert decide([forms], "forms", subject="z", n=5).inst.variables()["hit"] == "range"
    assert decide([forms], "forms", subject="z", n=50).inst.variables()["hit"] == "any"


# --- the sandbox at run time --------------------------------------------------------------


def test_cells_run_in_the_sandbox_at_run_time():
    # allowed syntax, refused by the sandbox's guards when it runs: an incident, not a hang
    bomb = table("bomb", ["n"], ["x"], [(["-"], ["9 ** 9 ** 9"])])
    run = decide([bomb], "bomb", n=1)
    assert run.result.incident.element_id == "rule"
    assert "decision 'bomb', rule 1 (r1), output 'x'" in run.result.incident.message
    # a value an instance cannot keep is refused at the task, not when the instance is saved
    unstorable = table("unstorable", ["n"], ["x"], [(["-"], ["float('nan')"])])
    run = decide([unstorable], "unstorable", n=1)
    assert run.result.incident.element_id == "rule"
    assert "decision 'unstorable'" in run.result.incident.message
    # the product's diagram helpers are there, as for any expression
    helpers = table("helpers", ["n"], ["later"], [(["-"], ["working_days(1, now_iso()) > now_iso()"])])
    assert decide([helpers], "helpers", n=1).inst.variables()["later"] is True


# --- the stored spec ----------------------------------------------------------------------


def test_the_stored_spec_carries_the_table_and_a_reloaded_instance_decides_with_it():
    process = compiled(rule_diagram("stored", "amount_band"), [AMOUNT_TABLE])
    spec = json.loads(process.spec_json)
    stored = spec["spec"]["task_specs"]["rule"]["decision_table"]
    assert stored["name"] == "amount_band" and len(stored["rules"]) == 3
    engine = Engine(REGISTRY)
    inst = engine.new_instance(9001, process.content_hash, process.spec_json, {"amount": 1})
    state = Engine.dump(inst)
    again = engine.load(9001, process.content_hash, process.spec_json, state)
    assert again.decide("amount_band", {"amount": 50}) == {"band": "medium"}
    assert again.decide("no_such_decision", {"amount": 50}) is None


def test_a_hostile_cell_edited_into_a_stored_spec_is_refused_again_at_run_time():
    process = compiled(rule_diagram("edited", "amount_band"), [AMOUNT_TABLE])
    spec = json.loads(process.spec_json)
    rules = spec["spec"]["task_specs"]["rule"]["decision_table"]["rules"]
    rules[0]["input_entries"][0]["lhs"] = ["== __import__('os').getcwd()"]
    edited = replace(process, spec_json=json.dumps(spec), content_hash="edited-in-the-database")
    run = Run(edited, {"amount": 5})
    assert run.result.incident.element_id == "rule"
    assert "decision 'amount_band', rule 1 (r1)" in run.result.incident.message
    assert "__import__" in run.result.incident.message
    assert run.ready() == []


def test_a_new_table_is_a_new_content_hash_and_an_unused_table_is_not():
    diagram = rule_diagram("hashed", "amount_band")
    other = table("unused", ["n"], ["x"], [(["-"], ["1"])])
    changed = AMOUNT_TABLE.replace(b"&lt;= 10<", b"&lt;= 20<")
    assert changed != AMOUNT_TABLE
    one = compiled(diagram, [AMOUNT_TABLE]).content_hash
    assert compiled(diagram, [AMOUNT_TABLE, other]).content_hash == one
    assert compiled(diagram, [changed]).content_hash != one


def test_camunda_decision_ref_calls_the_table():
    process = compiled(rule_diagram("camunda_rule", "amount_band", camunda=True), [AMOUNT_TABLE])
    assert Run(process, {"amount": 500}).inst.variables()["band"] == "large"


# --- refused at deploy --------------------------------------------------------------------


def test_a_task_calling_a_missing_decision_is_refused_naming_the_task_and_the_decision():
    details = refused(rule_diagram("missing", "nowhere"), [AMOUNT_TABLE])
    assert details == [
        {
            "element_id": "rule",
            "message": "business rule task calls decision 'nowhere', which is not among the decision tables "
            "deployed with it (available: amount_band)",
            "rule": "decision-missing",
        }
    ]
    no_ref = rule_diagram("no_ref", "x").replace(
        b"<spiffworkflow:calledDecisionId>x</spiffworkflow:calledDecisionId>", b""
    )
    assert [d["element_id"] for d in refused(no_ref, [])] == ["rule"]


@pytest.mark.parametrize(
    ("cell", "element_id", "where"),
    [
        ("input_entry", "r1", "decision 'evil', rule 1, input 'n': entry refused"),
        ("output_entry", "r1", "decision 'evil', rule 1, output 'x' refused"),
        ("input_expression", "in1", "decision 'evil', input 'n': input expression refused"),
    ],
)
def test_hostile_cells_are_refused_naming_the_rule_or_input(cell, element_id, where):
    evil = "__import__('os').system('id')"
    inputs, entry, output = ["n"], "-", "1"
    if cell == "input_entry":
        entry = f"== {evil}"
    elif cell == "output_entry":
        output = evil
    else:
        inputs = [evil]
    tables = [table("evil", inputs, ["x"], [([entry], [output])])]
    if cell == "input_expression":  # the label would be the expression: name the input plainly
        tables = [tables[0].replace(b'label="__import__', b'label="n" data-x="')]
    [detail] = refused(rule_diagram("evil_p", "evil"), tables)
    assert detail["element_id"] == element_id
    assert str(detail["message"]).startswith(where), detail
    assert "__import__" in str(detail["message"])


def test_feel_and_juel_cells_are_refused_with_a_hint():
    feel = table("feel", ["n"], ["x"], [(["[1..10]"], ['"a"'])])
    [detail] = refused(rule_diagram("feel_p", "feel"), [feel])
    assert detail["element_id"] == "r1" and "not FEEL" in str(detail["message"])
    juel = table("juel", ["n"], ["x"], [(["-"], ["${n}"])])
    [detail] = refused(rule_diagram("juel_p", "juel"), [juel])
    assert "JUEL" in str(detail["message"])


@pytest.mark.parametrize(
    ("policy", "extra"),
    [("ANY", ""), ("RULE ORDER", ""), ("COLLECT", ' aggregation="SUM"')],
)
def test_unsupported_hit_policies_are_refused_naming_the_decision(policy, extra):
    doc = table("policy", ["n"], ["x"], [(["-"], ["1"])], hit_policy=policy, extra=extra)
    [detail] = refused(rule_diagram("policy_p", "policy"), [doc])
    assert detail["element_id"] == "policy" and "is not supported" in str(detail["message"])


def test_bad_output_names_and_missing_cells_are_refused():
    dunder = table("names", ["n"], ["__class__"], [(["-"], ["1"])])
    [detail] = refused(rule_diagram("names_p", "names"), [dunder])
    assert detail["element_id"] == "out1"
    short = table("short", ["n", "m"], ["x"], [(["-"], ["1"])])
    [detail] = refused(rule_diagram("short_p", "short"), [short])
    assert detail["element_id"] == "r1" and "one cell per input and output" in str(detail["message"])


def test_annotation_columns_are_refused_naming_the_column():
    annotated = table("annotated", ["n"], ["x"], [(["-"], ["1"])]).replace(
        b'<output id="out1"', b'<annotation id="notes" name="Notes"/><output id="out1"'
    )
    [detail] = refused(rule_diagram("annotated_p", "annotated"), [annotated])
    assert detail["element_id"] == "notes" and "<annotation> columns are not supported" in str(detail["message"])


def test_a_dmn_document_is_parsed_as_untrusted_xml():
    with pytest.raises(Invalid) as caught:
        parse_untrusted(rule_diagram("bpmn_as_dmn", "x"), 1 << 20, document="dmn")
    assert caught.value.code == "invalid_dmn"
    entity = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e "x">]><definitions/>'
    with pytest.raises(Invalid) as caught:
        parse_untrusted(entity, 1 << 20, document="dmn")
    assert caught.value.code == "forbidden_xml"


def test_diagrams_without_business_rule_tasks_keep_their_hash():
    diagram = rule_diagram("plain", "x").replace(b"businessRuleTask", b"task")
    [alone] = compile_diagram(parse_untrusted(diagram, 1 << 20), REGISTRY, diagram)
    [with_tables] = compile_diagram(
        parse_untrusted(diagram, 1 << 20), REGISTRY, diagram, [parse_untrusted(AMOUNT_TABLE, 1 << 20, "dmn")]
    )
    assert alone.content_hash == with_tables.content_hash

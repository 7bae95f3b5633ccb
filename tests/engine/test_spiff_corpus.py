"""SpiffWorkflow's own test diagrams on OUR deploy path and engine.

Every MANIFEST row has an expectation in ``TABLE``: either the diagram deploys and runs with the
outcome the MANIFEST states (checked step by step, with a dump/load round trip after each), or
our deploy refuses it with ``Invalid`` naming the offending elements. docs/corpus.md reports the
same table; ``test_docs_match_the_table`` keeps the two in step.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from app.engine import compile_diagram, parse_untrusted
from app.errors import Invalid
from handlers import REGISTRY
from tests.diagrams import HEAD
from tests.engine import corpus_cases_bpmn, corpus_cases_more
from tests.engine.corpus_harness import CORPORA, Refused, Runs, assert_refused, deploy, file_key, read_manifest

CORPUS = CORPORA / "spiffworkflow-tests"
ROWS = read_manifest(CORPUS)
TABLE: dict[str, Runs | Refused] = {**corpus_cases_bpmn.CASES, **corpus_cases_more.CASES}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "corpus.md"
_DOC_ROW = re.compile(r"^\| `(?P<file>[^`]+)` \| (?P<outcome>ran|ran, differs|refused) \|")


def outcome(case: Runs | Refused) -> str:
    if isinstance(case, Refused):
        return "refused"
    return "ran, differs" if case.deviation else "ran"


def test_every_manifest_row_has_an_expectation() -> None:
    keys = [file_key(row["file"]) for row in ROWS]
    assert len(keys) == len(set(keys)) == len(ROWS) > 0
    assert sorted(set(keys) - TABLE.keys()) == [], "MANIFEST rows without an expectation in TABLE"
    assert sorted(TABLE.keys() - set(keys)) == [], "TABLE rows that are not in the MANIFEST"


@pytest.mark.parametrize("row", ROWS, ids=[file_key(r["file"]) for r in ROWS])
def test_corpus_diagram(row: dict[str, str]) -> None:
    key = file_key(row["file"])
    case = TABLE.get(key)
    assert case is not None, f"no expectation for {key}: add it to the corpus case tables"
    path = CORPUS / row["file"]
    if isinstance(case, Refused):
        assert_refused(path, case)
    else:
        case.check(path)


def test_docs_match_the_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    documented = {m["file"]: m["outcome"] for m in map(_DOC_ROW.match, text.splitlines()) if m}
    assert documented == {key: outcome(case) for key, case in TABLE.items()}
    counts = Counter(outcome(case) for case in TABLE.values())
    summary = (
        f"**{counts['ran'] + counts['ran, differs']} deployed and ran** "
        f"({counts['ran']} exactly as the MANIFEST states, {counts['ran, differs']} with a documented difference), "
        f"**{counts['refused']} refused with element-level reasons**, **{len(TABLE)} total**"
    )
    print(summary)
    assert summary in text


def test_camunda_juel_is_refused_with_element_ids() -> None:
    xml = (
        HEAD.replace('id="defs"', 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="defs"')
        + '<bpmn:process id="juel" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="gw"/>'
        '<bpmn:exclusiveGateway id="gw" default="f3"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="gw" targetRef="approve">'
        "<bpmn:conditionExpression>${amount &gt; 100}</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="end"/>'
        '<bpmn:userTask id="approve" camunda:assignee="${approver}" camunda:formKey="approve"/>'
        '<bpmn:sequenceFlow id="f4" sourceRef="approve" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>'
    ).encode()
    with pytest.raises(Invalid) as err:
        compile_diagram(parse_untrusted(xml, 1 << 20), REGISTRY, xml)
    named = {d["element_id"]: d["message"] for d in err.value.details}
    assert "JUEL" in named["f2"] and "JUEL" in named["approve"], named


def test_deploy_helper_reads_the_shared_corpus() -> None:
    assert deploy(CORPUS / "tests/SpiffWorkflow/bpmn/data/timer.bpmn").keys() == {"timer"}

"""The corpora through ``validate``: bpmnlint fixtures flagged at the expected element with the
expected rule (or listed as not checked, with the reason), every file answered without a 500,
deploy refusing exactly the errors, nothing that deployed before refused, the results doc current."""

from __future__ import annotations

import glob
from pathlib import Path

import pytest

from app.config import ROOT
from app.engine import compile_diagram, parse_untrusted
from app.engine.lint import RULES, severity
from app.errors import Invalid
from handlers import REGISTRY
from tests.engine.corpus_harness import CORPORA, MAX_BYTES
from tests.engine.validation_corpus import DOC, NOT_IMPLEMENTED, corpus_rows, expected_rule, lint_file, render

LINT_ROWS = [row for corpus, row in corpus_rows() if corpus == "bpmnlint-fixtures"]
# Document-level problems: the only findings without an element id.
DOCUMENT_RULES = {"xml", "engine-parse", "executable-process", "lint-internal"}
# Fixtures the engine accepted before ``validate`` existed and that now are refused, with the rule:
# each one would run wrongly (see docs/validation.md).
NEWLY_REFUSED = {
    "bpmnlint-fixtures/test/rules/conditional-event/missing-condition.bpmn": "conditional-event",
    "bpmnlint-fixtures/test/rules/no-duplicate-sequence-flows/invalid-no-condition.bpmn": "no-duplicate-sequence-flows",
    "bpmnlint-fixtures/test/rules/single-blank-start-event/invalid.bpmn": "single-blank-start-event",
    "reminder_typo.bpmn": "timer",  # the modeler's browser test: a reminder timer with a typo ("PT12HH")
}


@pytest.mark.parametrize("row", LINT_ROWS, ids=[r["file"].removeprefix("test/rules/") for r in LINT_ROWS])
def test_each_bpmnlint_fixture_is_flagged_at_its_element_or_listed_as_not_checked(row):
    rule, ids = expected_rule(row)
    if rule in NOT_IMPLEMENTED:
        assert rule not in RULES, f"{rule} is checked now: take it out of NOT_IMPLEMENTED"
        return
    assert rule in RULES, f"bpmnlint rule {rule} is neither checked nor listed in NOT_IMPLEMENTED"
    outcome = lint_file(CORPORA / "bpmnlint-fixtures" / row["file"])
    flagged = [f for f in (*outcome.errors, *outcome.warnings) if f["rule"] == rule]
    assert sorted({f["element_id"] for f in flagged}) == sorted(set(ids)), (rule, flagged)
    if severity(rule) == "error":
        assert all(f in outcome.errors for f in flagged), (rule, flagged)


def test_the_not_checked_table_covers_every_manifest_row_and_nothing_else():
    rules = {expected_rule(row)[0] for row in LINT_ROWS}
    assert rules <= set(RULES) | set(NOT_IMPLEMENTED)
    assert set(NOT_IMPLEMENTED) <= rules, "a reason for a rule no fixture has"
    assert {"valid control" in row["expected outcome"] for row in LINT_ROWS} == {True, False}


ALL_ROWS = corpus_rows()


@pytest.mark.parametrize(("corpus", "row"), ALL_ROWS, ids=[f"{c}/{r['file']}" for c, r in ALL_ROWS])
def test_every_corpus_file_validates_and_deploy_refuses_exactly_its_errors(login, corpus, row):
    analyst = login("analyst")
    raw = (CORPORA / corpus / row["file"]).read_bytes()
    body = analyst.post(
        "/process-definitions/validate", data=raw, headers={"Content-Type": "application/xml"}, expect=200
    )
    assert set(body) == {"valid", "errors", "warnings"} and body["valid"] is (not body["errors"])
    ids = _ids(raw)
    for item in (*body["errors"], *body["warnings"]):
        assert set(item) == {"element_id", "rule", "message"} and item["rule"] in RULES and item["message"]
        if item["element_id"] is None:
            assert item["rule"] in DOCUMENT_RULES, item
        else:
            assert item["element_id"] in ids, item
    deployed = analyst.deploy(raw, expect=None)
    if body["errors"]:
        assert analyst.last.status_code == 422, deployed
        assert deployed["error"]["details"] == body["errors"]
    else:
        assert analyst.last.status_code in (200, 201), deployed


def _ids(raw: bytes) -> set[str]:
    try:
        root = parse_untrusted(raw, MAX_BYTES).getroot()
    except Invalid:
        return set()
    return {str(e.get("id")) for e in root.iter() if isinstance(e.tag, str) and e.get("id")}


def _deployable_before(path: Path) -> bool:
    """What the deploy path accepted before ``validate``: the compiler alone."""
    raw = path.read_bytes()
    try:
        compile_diagram(parse_untrusted(raw, MAX_BYTES), REGISTRY, raw)
    except Invalid:
        return False
    return True


def test_nothing_that_deployed_before_is_refused_unless_it_runs_wrongly():
    paths = [
        *sorted((ROOT / "processes").glob("*.bpmn")),
        *sorted(Path(p) for p in glob.glob(str(ROOT / "tests" / "**" / "*.bpmn"), recursive=True)),
        *(CORPORA / corpus / row["file"] for corpus, row in ALL_ROWS),
    ]
    refused = {}
    for path in paths:
        if path.suffix == ".xsd" or not _deployable_before(path):
            continue
        errors = lint_file(path).errors
        if errors:
            refused[str(path.relative_to(CORPORA)) if CORPORA in path.parents else path.name] = {
                e["rule"] for e in errors
            }
    assert refused == {name: {rule} for name, rule in NEWLY_REFUSED.items()}
    assert len(paths) > 140


def test_the_results_table_in_the_docs_is_current():
    assert DOC.read_text(encoding="utf-8") == render(), (
        "docs/validation.md is out of date: PYTHONPATH=. .venv/bin/python -m tests.engine.validation_corpus"
    )

"""docs/domain-coverage.md: one row per rule of domain.md, and every test, diagram element,
decision rule, form property and Python name it cites exists (issue 9, first "done when").

Nothing here imports or runs the cited tests: test files and Python files are read with ``ast``,
diagrams and decision tables with lxml, form schemas with ``json``."""

from __future__ import annotations

import ast
import json
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "domain-coverage.md"

# Rules per section of domain.md, numbered as the doc's "Numbering" says.
EXPECTED_RULES = {1: 10, 2: 10, 3: 8, 4: 3, 5: 4, 6: 3, 7: 4, 8: 1, 9: 1}
EXPECTED_IDS = [f"{section}.{item}" for section, count in EXPECTED_RULES.items() for item in range(1, count + 1)]
STATUSES = ("executed", "partly", "missing")
HEADER = ["rule", "in a few words", "status", "executed by", "tests", "gap"]
RULE_ID = re.compile(r"^[1-9]\.[1-9][0-9]?$")
CODE = re.compile(r"`([^`]+)`")


@dataclass(frozen=True)
class Row:
    line: int
    rule: str
    status: str
    refs: tuple[str, ...]  # `file#id` and `file.py::name` of "executed by"
    tests: tuple[str, ...]  # pytest node ids of "tests"
    gap: str


def parse(text: str) -> tuple[list[Row], list[str]]:
    """The rows of the table whose header is ``HEADER``, and what is malformed."""
    lines = text.splitlines()
    problems: list[str] = []
    start = next((i for i, line in enumerate(lines) if cells(line) == HEADER), None)
    if start is None:
        return [], [f"no table with the header {HEADER}"]
    rows = []
    for i in range(start + 2, len(lines)):  # after the header and its |---| line
        if not lines[i].startswith("|"):
            break
        row = cells(lines[i])
        where = f"line {i + 1}"
        if len(row) != len(HEADER):
            problems.append(f"{where}: {len(row)} cells, expected {len(HEADER)}")
            continue
        rule, _words, status, executed_by, tests, gap = row
        if not RULE_ID.match(rule):
            problems.append(f"{where}: rule id {rule!r} is not section.item")
        refs = tuple(c for c in CODE.findall(executed_by) if "#" in c or "::" in c)
        named = tuple(c for c in CODE.findall(tests) if "::" in c)
        rows.append(Row(i + 1, rule, status, refs, named, gap))
    return rows, problems


def cells(line: str) -> list[str]:
    line = line.strip()
    if not (line.startswith("|") and line.endswith("|")):
        return []
    return [c.strip() for c in line[1:-1].split("|")]


def check_rules(rows: list[Row]) -> list[str]:
    problems = []
    ids = [r.rule for r in rows]
    problems += [f"rule {rule} has {n} rows" for rule, n in Counter(ids).items() if n > 1]
    problems += [f"rule {rule} is not a rule of domain.md" for rule in sorted(set(ids) - set(EXPECTED_IDS))]
    problems += [f"rule {rule} has no row" for rule in EXPECTED_IDS if rule not in ids]
    if len(rows) != len(EXPECTED_IDS):
        problems.append(f"{len(rows)} rows for {len(EXPECTED_IDS)} rules")
    if all(map(RULE_ID.match, ids)) and ids != sorted(ids, key=lambda r: tuple(map(int, r.split(".")))):
        problems.append("rows are not in rule order")
    return problems


def check_row(row: Row) -> list[str]:
    return check_status(row) + check_citations(row)


def check_status(row: Row) -> list[str]:
    where = f"rule {row.rule} (line {row.line})"
    problems = []
    if row.status not in STATUSES:
        problems.append(f"{where}: status {row.status!r} is not one of {STATUSES}")
    if row.status == "executed":
        if not row.tests:
            problems.append(f"{where}: executed but names no test")
        if not row.refs:
            problems.append(f"{where}: executed but names nothing that executes it")
        if not row.gap.startswith("—"):
            problems.append(f"{where}: executed but has a gap: {row.gap!r}")
    if row.status == "partly" and not row.refs:
        problems.append(f"{where}: partly but names nothing that executes the part")
    if row.status == "missing" and (row.refs or row.tests):
        problems.append(f"{where}: missing but names what executes or proves it (then it is partly)")
    if row.status in ("partly", "missing") and (not row.gap or row.gap.startswith("—")):
        problems.append(f"{where}: {row.status} but says nothing about what is missing")
    return problems


def check_citations(row: Row) -> list[str]:
    where = f"rule {row.rule} (line {row.line})"
    problems = []
    for node in row.tests:
        problems += [f"{where}: {p}" for p in check_test(node)]
    for ref in row.refs:
        problems += [f"{where}: {p}" for p in check_ref(ref)]
    return problems


def check_test(node: str) -> list[str]:
    """``tests/x.py::test_name``, ``tests/x.py::Class::test_name``; ``test_name[id]`` by its base name."""
    path, *names = node.split("::")
    if not path.startswith("tests/") or not path.endswith(".py") or not names or len(names) > 2:
        return [f"{node!r} is not a pytest node id of a file under tests/"]
    file = ROOT / path
    if not file.is_file():
        return [f"{node!r}: no file {path}"]
    names[-1] = names[-1].split("[", 1)[0]
    if not names[-1].startswith("test"):
        return [f"{node!r}: {names[-1]} is not collected by pytest"]
    body: list[ast.stmt] = python(file).body
    for name in names[:-1]:
        classes = [n for n in body if isinstance(n, ast.ClassDef) and n.name == name]
        if not classes:
            return [f"{node!r}: no class {name} in {path}"]
        body = classes[0].body
    if not any(isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == names[-1] for n in body):
        return [f"{node!r}: no test {names[-1]} in {path}"]
    return []


def check_ref(ref: str) -> list[str]:
    """``processes/x.bpmn#id``, ``processes/x.dmn#id``, ``forms/x.json#property``, ``x.py::name``."""
    path, sep, name = ref.partition("::") if "::" in ref else ref.partition("#")
    file = ROOT / path
    if not name or not file.is_file():
        return [f"{ref!r}: no file {path}" if name else f"{ref!r} names no element"]
    if sep == "#" and file.suffix in (".bpmn", ".dmn"):
        return [] if name in xml_ids(file) else [f"{ref!r}: no element with id {name} in {path}"]
    if sep == "#" and file.suffix == ".json":
        return [] if name in schema_properties(file) else [f"{ref!r}: no property {name} in {path}"]
    if sep == "::" and file.suffix == ".py":
        return [] if name in top_level_names(file) else [f"{ref!r}: no top-level {name} in {path}"]
    return [f"{ref!r}: not a diagram, decision table, form or Python reference"]


@cache
def python(file: Path) -> ast.Module:
    return ast.parse(file.read_text(encoding="utf-8"), filename=str(file))


@cache
def xml_ids(file: Path) -> frozenset[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.parse(str(file), parser).getroot()
    return frozenset(str(i) for i in root.xpath("//@id"))


@cache
def schema_properties(file: Path) -> frozenset[str]:
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("properties"), dict):
                found.update(node["properties"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(file.read_text(encoding="utf-8")))
    return frozenset(found)


@cache
def top_level_names(file: Path) -> frozenset[str]:
    names: set[str] = set()
    for node in python(file).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def all_problems(text: str) -> list[str]:
    rows, problems = parse(text)
    problems += check_rules(rows)
    for row in rows:
        problems += check_row(row)
    return problems


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def rows(doc: str) -> list[Row]:
    rows, problems = parse(doc)
    assert problems == []
    return rows


def test_one_row_per_rule_of_domain_md(rows):
    assert len(EXPECTED_IDS) == 44
    assert check_rules(rows) == []
    assert [r.rule for r in rows] == EXPECTED_IDS


def test_every_status_is_executed_partly_or_missing_and_every_gap_is_said(rows):
    assert [p for row in rows for p in check_status(row)] == []
    assert {r.status for r in rows} <= set(STATUSES)


def test_every_named_test_exists(rows):
    nodes = [node for row in rows for node in row.tests]
    assert len(nodes) > 50  # the table names tests; an empty column would pass the loop below
    assert [p for node in nodes for p in check_test(node)] == []


def test_every_named_element_decision_form_property_and_python_name_exists(rows):
    refs = [ref for row in rows for ref in row.refs]
    assert len(refs) > 80
    assert any(ref.startswith("processes/complaint_handling.bpmn#") for ref in refs)
    assert any(".dmn#" in ref for ref in refs)
    assert [p for ref in refs for p in check_ref(ref)] == []


def test_the_whole_doc_passes_the_check(doc):
    assert all_problems(doc) == []


def test_the_summary_line_counts_the_rows(doc, rows):
    counts = Counter(r.status for r in rows)
    summary = (
        f"Summary: {len(rows)} rules — {counts['executed']} executed, {counts['partly']} partly, "
        f"{counts['missing']} missing."
    )
    assert summary in doc.splitlines()


def _row_of(doc: str, rule: str) -> str:
    [line] = [line for line in doc.splitlines() if line.startswith(f"| {rule} |")]
    return line


def _replace_in_row(rule: str, old: str, new: str):
    def mutate(doc: str) -> str:
        line = _row_of(doc, rule)
        assert old in line
        return doc.replace(line, line.replace(old, new, 1))

    return mutate


def _with_cell(rule: str, column: int, value: str):
    """Put ``value`` in the row's ``column`` (0 = rule id, 2 = status, 4 = tests, 5 = gap)."""

    def mutate(doc: str) -> str:
        line = _row_of(doc, rule)
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        cells[column] = value
        return doc.replace(line, "| " + " | ".join(cells) + " |")

    return mutate


def _drop_row(rule: str):
    return lambda doc: doc.replace(_row_of(doc, rule) + "\n", "")


def _duplicate_row(rule: str):
    return lambda doc: doc.replace(_row_of(doc, rule), _row_of(doc, rule) + "\n" + _row_of(doc, rule))


BROKEN = [
    pytest.param(
        _replace_in_row("1.2", "::test_reject_closes_as_invalid", "::test_reject_closes_as_void"),
        "no test test_reject_closes_as_void",
        id="test_that_does_not_exist",
    ),
    pytest.param(
        _replace_in_row("2.2", "tests/sla/test_intake_sla.py::", "tests/sla/test_intake.py::"),
        "no file tests/sla/test_intake.py",
        id="test_file_that_does_not_exist",
    ),
    pytest.param(
        _replace_in_row("1.9", "bpmn#Task_FollowUpVisit", "bpmn#Task_FollowUpCall"),
        "no element with id Task_FollowUpCall",
        id="bpmn_element_that_does_not_exist",
    ),
    pytest.param(
        _replace_in_row("1.6", "dmn#Rule_Managers", "dmn#Rule_StoreManagers"),
        "no element with id Rule_StoreManagers",
        id="dmn_rule_that_does_not_exist",
    ),
    pytest.param(
        _replace_in_row("2.8", "#promised_reply_hours", "#promised_reply_days"),
        "no property promised_reply_days",
        id="form_property_that_does_not_exist",
    ),
    pytest.param(
        _replace_in_row("3.8", "::severity_from_criteria", "::extortion_check"),
        "no top-level extortion_check",
        id="handler_that_does_not_exist",
    ),
    pytest.param(_replace_in_row("2.3", "| executed |", "| done |"), "status 'done'", id="unknown_status"),
    pytest.param(_with_cell("2.3", 4, "—"), "executed but names no test", id="untested"),
    pytest.param(_with_cell("2.3", 5, "the reminders are missing"), "executed but has a gap", id="gap_hidden"),
    pytest.param(_drop_row("3.6"), "rule 3.6 has no row", id="rule_vanished"),
    pytest.param(_replace_in_row("1.7", "| 1.7 |", "| 1.x |"), "rule id '1.x' is not section.item", id="malformed_id"),
    pytest.param(_duplicate_row("5.2"), "rule 5.2 has 2 rows", id="rule_twice"),
    pytest.param(_replace_in_row("9.1", "| 9.1 |", "| 9.2 |"), "9.2 is not a rule of domain.md", id="unknown_rule"),
]


@pytest.mark.parametrize(("mutate", "problem"), BROKEN)
def test_a_broken_row_fails_the_check(doc, mutate, problem):
    broken = mutate(doc)
    assert broken != doc
    problems = all_problems(broken)
    assert any(problem in p for p in problems), problems

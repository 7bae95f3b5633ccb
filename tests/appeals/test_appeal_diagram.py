"""The appeal diagram as an analyst's validation sees it: no error, no warning; its investigation
is the conflict-free task."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

DIAGRAM = Path(__file__).resolve().parents[2] / "processes" / "appeal_review.bpmn"
NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL", "spiff": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def test_the_appeal_diagram_validates_without_errors_or_warnings(login: Any) -> None:
    analyst = login("analyst")
    report = analyst.call(
        "POST", "/process-definitions/validate", data=DIAGRAM.read_bytes(), headers={"Content-Type": "application/xml"}
    )
    assert analyst.last.status_code == 200
    assert (report["valid"], report["errors"], report["warnings"]) == (True, [], [])


def test_rule_5_2_only_the_investigation_requires_no_conflict_of_interest() -> None:
    marked = etree.parse(str(DIAGRAM)).xpath(
        "//bpmn:userTask[.//spiff:property[@name='excludeConflictsOfInterest' and @value='true']]/@id", namespaces=NS
    )
    assert marked == ["Task_InvestigateAppeal"]

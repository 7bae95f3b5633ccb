"""The rules analysts own are decision tables of a version (issue 8 §2).

A new version whose approval authority table says 800 instead of 500, deployed into the
running app with the same diagram and no code change, sends a 700-yuan solution to the
managers; a complaint started on version 1 still sends 700 yuan to the supervisors, even when
its solution is proposed after version 2 exists. A broken table never becomes a version.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.errors import Invalid
from app.models import ProcessDefinition
from app.services import publishing
from app.services.bundles import Bundle, BundleFile
from tests.engine.decision_diagrams import rule_diagram
from tests.scenario.conftest import HEAD, PROCESS

PROCESSES = Path(__file__).resolve().parents[2] / "processes"
TABLES = ("approval_authority", "handling_time_limit", "severity_criteria", "subject_department")


def bundle(**replaced: bytes) -> list[BundleFile]:
    return [
        BundleFile(f"{name}.dmn", replaced.get(name) or (PROCESSES / f"{name}.dmn").read_bytes()) for name in TABLES
    ]


def authority_800() -> bytes:
    table = (PROCESSES / "approval_authority.dmn").read_bytes()
    changed = (
        table.replace(b"<text>0 &lt;= ? &lt;= 500</text>", b"<text>0 &lt;= ? &lt;= 800</text>")
        .replace(b"<text>500 &lt; ? &lt;= 1000</text>", b"<text>800 &lt; ? &lt;= 1000</text>")
        .replace(
            b'<outputEntry id="OutputEntry_Managers_2"><text>500</text>',
            b'<outputEntry id="OutputEntry_Managers_2"><text>800</text>',
        )
    )
    assert changed.count(b"800") == 3
    return changed


def publish(rt, decisions: list[BundleFile]):  # type: ignore[no-untyped-def]
    diagram = BundleFile(f"{PROCESS}.bpmn", (PROCESSES / f"{PROCESS}.bpmn").read_bytes())
    with rt.sessions() as s:
        [deployed] = publishing.publish_bundle(
            rt, s, Bundle(diagrams=(diagram,), decisions=tuple(decisions)), actor="analyst"
        )
        s.commit()
        return deployed.created, deployed.definition.version


def versions(rt) -> int:  # type: ignore[no-untyped-def]
    with rt.sessions() as s:
        return int(s.scalar(select(func.max(ProcessDefinition.version)).where(ProcessDefinition.key == PROCESS)))


def test_a_new_authority_table_routes_700_yuan_to_the_managers_and_old_cases_keep_theirs(rt, complaint):
    amount = {"Task_ProposeSolution": {"compensation_amount": 700}}
    old = complaint(overrides=amount)
    old.drive(until="Task_ProposeSolution")
    assert old.instance()["version"] == 1

    assert publish(rt, bundle()) == (False, 1)  # the same diagram and tables: not a new version
    assert publish(rt, bundle(approval_authority=authority_800())) == (True, 2)

    new = complaint(overrides=amount)
    task = new.drive(until="Task_ApproveByManager")
    assert task["candidate_groups"] == ["managers"]
    inst = new.instance()
    assert inst["version"] == 2
    assert inst["variables"]["approval_level"] == {"approver_group": "managers", "limit": 800}
    assert new.order == [*HEAD]

    # proposed after version 2 exists, decided by version 1's table
    task = old.drive(until="Task_ApproveBySupervisor")
    assert task["candidate_groups"] == ["cs_supervisors"]
    assert old.instance()["variables"]["approval_level"] == {"approver_group": "cs_supervisors", "limit": 1000}


@pytest.mark.parametrize(
    ("broken", "element_id", "message"),
    [
        (
            b'<text>"managers"</text>',
            "Rule_Managers",
            "decision 'approval_authority', rule 1, output '审批组 Approver group' refused",
        ),
        (b"<text>0 &lt;= ? &lt;= 500</text>", "Rule_Managers", "decision 'approval_authority', rule 1, input"),
    ],
)
def test_a_hostile_table_is_refused_naming_the_rule_and_no_version_is_made(rt, broken, element_id, message):
    table = (PROCESSES / "approval_authority.dmn").read_bytes()
    hostile = table.replace(broken, b"<text>__import__('os').system('id')</text>", 1)
    assert hostile != table
    with pytest.raises(Invalid) as caught:
        publish(rt, bundle(approval_authority=hostile))
    assert caught.value.status == 422
    [detail] = caught.value.details
    assert detail["element_id"] == element_id and detail["message"].startswith(message), detail
    assert versions(rt) == 1


def test_a_bundle_without_the_table_a_task_calls_is_refused_naming_the_task(rt):
    decisions = [d for d in bundle() if b'id="subject_department"' not in d.content]
    with pytest.raises(Invalid) as caught:
        publish(rt, decisions)
    [detail] = caught.value.details
    assert detail["element_id"] == "Service_RouteBySubject"
    assert "calls decision 'subject_department', which is not among the decision tables" in detail["message"]
    assert versions(rt) == 1


def test_a_table_where_no_rule_matches_is_an_incident_at_the_task_through_the_api(rt, login):
    routing = (PROCESSES / "subject_department.dmn").read_bytes()
    diagram = rule_diagram("dmn_no_match", "subject_department")
    with rt.sessions() as s:
        tables = (BundleFile("subject_department.dmn", routing),)
        publishing.publish_bundle(
            rt, s, Bundle(diagrams=(BundleFile("r.bpmn", diagram),), decisions=tables), actor="analyst"
        )
        s.commit()
    admin = login("admin")
    body = {"process_key": "dmn_no_match", "variables": {"subject": "weather"}}
    inst = admin.post("/process-instances", json=body, expect=201)
    assert inst["status"] == "error"
    full = admin.get(f"/process-instances/{inst['id']}", expect=200)
    [incident] = full["incidents"]
    assert incident["element_id"] == "rule"
    assert "no rule of decision 'subject_department' matches (subject = 'weather')" in incident["message"]
    assert full["tasks"] == []
    again = admin.post(f"/process-instances/{inst['id']}/retry", expect=200)
    assert again["status"] == "error" and len(again["incidents"]) == 2


def test_a_case_in_the_handling_subprocess_migrated_to_the_800_table_goes_to_the_managers(rt, complaint, login):
    """Migration reaches inside the handling subprocess: a case waiting for its solution on
    version 1 moves to version 2, and its 700 yuan is then decided by version 2's table."""
    case = complaint(overrides={"Task_ProposeSolution": {"compensation_amount": 700}})
    case.drive(until="Task_ProposeSolution")
    assert publish(rt, bundle(approval_authority=authority_800())) == (True, 2)
    admin = login("admin")
    path = f"/process-instances/{case.instance()['id']}/migrate"
    plan = admin.post(path, json={"to_version": 2, "dry_run": True}, expect=200)
    assert plan["migrated"] is False
    admin.post(path, json={"to_version": 2}, expect=200)
    assert case.instance()["version"] == 2
    task = case.drive(until="Task_ApproveByManager")
    assert task["candidate_groups"] == ["managers"]
    assert case.instance()["variables"]["approval_level"] == {"approver_group": "managers", "limit": 800}

"""Rule 3.5 (domain.md §3): each level names who is responsible and who is informed. On the
registration of a level C, B or A complaint (not only on a breach) the level's responsible roles
get an escalation notice and the informed roles that are not also responsible an information
notice (Notify_RegisteredResponsible, Notify_RegisteredInformed); levels D and E tell nobody at
registration. Roles reach groups as docs/complaint_handling.md says (regional_managers,
provincial_managers, pr_legal, marketing_director, general_manager, vice_president,
cs_supervisors)."""

from __future__ import annotations

import pytest

from tests.scenario.conftest import INTAKE

# The demo users the roles of each level reach (responsible; informed and not responsible).
PEOPLE = {
    "A": (["director", "pr"], ["gm", "manager", "supervisor", "vp"]),
    "B": (["manager", "pr"], ["director", "gm", "supervisor"]),
    "C": (["manager", "pr"], ["director", "provmgr", "supervisor"]),
}


def notices(run):
    return [h for h in run.instance("supervisor")["history"] if h["type"] == "notification_sent"]


@pytest.mark.parametrize(
    ("extra", "level"),
    [
        pytest.param({"sued": True}, "A", id="A"),
        pytest.param({"health_symptoms": True}, "B", id="B"),
        pytest.param({"distributor_batch_feedback": True}, "C", id="C"),
    ],
)
def test_rule_3_5_a_level_c_b_or_a_complaint_tells_its_people_on_registration(complaint, extra, level):
    run = complaint({**INTAKE, **extra})
    run.drive(until="Task_ConfirmRecord")
    sent = notices(run)
    assert [(h["element_id"], h["detail"]["kind"]) for h in sent] == [
        ("Notify_RegisteredResponsible", "escalation"),
        ("Notify_RegisteredInformed", "info"),
    ]
    responsible, informed = PEOPLE[level]
    assert sorted(sent[0]["detail"]["recipients"]) == responsible
    assert sorted(sent[1]["detail"]["recipients"]) == informed
    for user, element in ((responsible[0], "Notify_RegisteredResponsible"), (informed[0], "Notify_RegisteredInformed")):
        items = run.login(user).get("/notifications", expect=200)["items"]
        [note] = [n for n in items if n["instance_id"] == run.instance_id and n["element_id"] == element]
        assert f"New level {level} complaint" in note["title"] and run.business_key in note["title"]
        assert next(iter(extra)) in note["message"]  # the criterion that made the level


@pytest.mark.parametrize("extra", [pytest.param({}, id="E"), pytest.param({"contact_count": 2}, id="D")])
def test_rule_3_5_levels_d_and_e_tell_nobody_on_registration(complaint, extra):
    run = complaint({**INTAKE, **extra})
    task = run.drive(until="Task_ConfirmRecord")
    assert notices(run) == [] and task["assignee"] == "agent"

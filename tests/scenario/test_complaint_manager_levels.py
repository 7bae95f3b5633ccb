"""Rule 3.5 (domain.md §3): each severity level names its own manager. City, provincial and
regional managers are groups of their own (``city_managers``, ``provincial_managers``,
``regional_managers``), the vice president too; ``managers`` (store and regional managers) keeps
the approvals up to 500 yuan. The roles of each level (handlers/severity.py) reach these demo
users through ``ROLE_GROUPS`` (app/services/notifications.py)."""

from __future__ import annotations

import pytest

from app.services.notifications import recipients
from handlers.severity import LEVELS
from tests.scenario.conftest import INTAKE

# level -> (responsible, informed): the demo users the level's roles reach
PEOPLE = {
    "E": (["citymgr"], ["citymgr", "sales"]),
    "D": (["provmgr"], ["citymgr", "manager", "provmgr", "sales", "supervisor"]),
    "C": (["manager", "pr"], ["director", "manager", "pr", "provmgr", "supervisor"]),
    "B": (["manager", "pr"], ["director", "gm", "manager", "pr", "supervisor"]),
    "A": (["director", "pr"], ["director", "gm", "manager", "pr", "supervisor", "vp"]),
}


@pytest.mark.parametrize("level", list(PEOPLE))
def test_rule_3_5_each_level_reaches_its_own_managers(rt, level):
    responsible, informed = PEOPLE[level]
    with rt.sessions() as s:
        assert recipients(s, LEVELS[level]["responsible"], []) == responsible
        assert recipients(s, LEVELS[level]["informed"], []) == informed


def test_rule_3_5_the_manager_groups_exist_with_a_member_each(login):
    groups = {g["name"]: g for g in login("analyst").get("/groups?lang=en", expect=200)}
    for key, label in (
        ("city_managers", "City managers"),
        ("provincial_managers", "Provincial managers"),
        ("regional_managers", "Regional managers"),
        ("vice_president", "Vice president"),
    ):
        assert groups[key]["label"] == label and groups[key]["members"] >= 1


def test_rule_3_5_a_level_d_escalation_reaches_the_provincial_and_city_managers(login):
    """A repeat contact makes a complaint level D: the provincial manager (responsible) and the
    city and regional managers (informed) are told."""
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": "complaint_handling", "variables": INTAKE}, expect=201)
    agent.post(f"/process-instances/{inst['id']}/repeat-contact", json={"note": "再次来电"}, expect=200)
    history = agent.get(f"/process-instances/{inst['id']}", expect=200)["history"]
    [sent] = [h for h in history if h["type"] == "notification_sent"]
    assert {"provmgr", "citymgr", "manager"} <= set(sent["detail"]["recipients"])
    for user in ("provmgr", "citymgr"):
        [note] = [n for n in login(user).get("/notifications", expect=200)["items"] if n["instance_id"] == inst["id"]]
        assert note["kind"] == "escalation"

"""Pages of the accountability rules (domain.md §7): the 50-yuan allowance on the case page
(rule 7.3)."""

from __future__ import annotations

from tests.scenario.conftest import ComplaintRun

VALID = {"complaint_finding": "valid", "responsible_employee": "sales", "responsible_store": "朝阳门店"}


def test_rule_7_3_the_case_and_close_pages_show_the_50_yuan_allowance(login, web_login):
    run = ComplaintRun(login, overrides={"Task_Investigate": VALID})
    close = run.drive(until="Task_CloseArchive")
    supervisor = web_login("supervisor", lang="en")
    for path in (f"/instances/{run.instance_id}", f"/tasks/{close['id']}"):
        page = supervisor.text(path)
        assert "Transport and lost-time allowance" in page and "50 yuan" in page, path
    assert "交通误工费" in web_login("supervisor").text(f"/instances/{run.instance_id}")

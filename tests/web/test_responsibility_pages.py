"""Pages of the accountability rules (domain.md §7): the 50-yuan allowance on the case page
(rule 7.3), an employee's findings and their appeal (rule 7.4)."""

from __future__ import annotations

from tests.accountability.conftest import add_finding, clock_now
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


def test_rule_7_4_my_findings_page_lists_them_and_takes_an_appeal(rt, login, web_login):
    fid = add_finding(rt, clock_now(login), "sales", store="朝阳门店")
    sales = web_login("sales", lang="en")
    page = sales.text("/findings")
    assert "My responsibility findings" in page and 'id="nav-findings" aria-current="page"' in page
    assert f'data-finding="{fid}" data-status="active"' in page and "朝阳门店" in page and "Valid complaint" in page
    assert f'action="/findings/{fid}/appeal"' in page
    refused = sales.post(f"/findings/{fid}/appeal", {"appeal_reason": ""}, expect=422).get_data(as_text=True)
    assert "Say why the finding is wrong." in refused and 'aria-invalid="true"' in refused
    sales.post(f"/findings/{fid}/appeal", {"appeal_reason": "不是我的责任"}, expect=302)
    page = sales.text("/findings")
    assert f'data-finding="{fid}" data-status="appealed"' in page
    assert "Appealed: the supervision group decides" in page and f'action="/findings/{fid}/appeal"' not in page
    assert "申诉" in web_login("sales").text("/findings")
    other = web_login("agent", lang="en").text("/findings")
    assert f'data-finding="{fid}"' not in other and "No responsibility findings." in other
    web_login("agent").post(f"/findings/{fid}/appeal", {"appeal_reason": "x"}, expect=404)


def test_the_investigation_offers_the_active_users_as_responsible_employee(login, web_login):
    run = ComplaintRun(login)
    task = run.drive(until="Task_Investigate")
    page = web_login("quality", lang="en").text(f"/tasks/{task['id']}")
    assert 'list="f-responsible_employee-users"' in page and '<datalist id="f-responsible_employee-users">' in page
    assert '<option value="sales">' in page and "Responsible employee" in page

"""Both case pages show the link between a complaint and the crisis it started (rules 3.6, 4.1),
in both languages."""

from __future__ import annotations

from tests.scenario.conftest import ComplaintRun
from tests.scenario.test_complaint_attitude import ATTITUDE, crisis_links


def test_rule_3_6_the_complaint_and_its_crisis_link_to_each_other_on_their_pages(login, web_login):
    run = ComplaintRun(login, overrides={"Task_FollowUpVisit": ATTITUDE})
    run.complete(run.drive(until="Task_FollowUpVisit"))
    [link] = crisis_links(run)
    crisis_id, crisis_key = link["instance_id"], link["business_key"]
    en = web_login("admin", lang="en")
    page = en.text(f"/instances/{run.instance_id}")
    assert f'data-role="crisis" data-reason="attitude_complaint" data-instance="{crisis_id}"' in page
    assert f'href="/instances/{crisis_id}">{crisis_key}</a>' in page
    assert "staff attitude complained about at the follow-up visit" in page
    assert 'id="attitude-complaint"' in page
    back = en.text(f"/instances/{crisis_id}")
    assert f'data-role="source" data-reason="attitude_complaint" data-instance="{run.instance_id}"' in back
    assert f'Started from complaint:\n      <a href="/instances/{run.instance_id}">{run.business_key}</a>' in back
    zh = web_login("admin").text(f"/instances/{run.instance_id}")
    assert "已启动危机处理" in zh and "回访时投诉工作人员态度" in zh


def test_a_case_without_links_shows_no_link_section(login, web_login):
    run = ComplaintRun(login)
    run.drive(until="Task_FollowUpVisit")
    assert "case-links" not in web_login("admin", lang="en").text(f"/instances/{run.instance_id}")

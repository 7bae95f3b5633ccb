"""The version pages: the definitions page links each version to its diff with the previous one and
to the migration of its cases; the diff page lists every change (read without JavaScript) in both
languages; the migration page's dry run, confirmation step and results."""

from __future__ import annotations

import html
import re

from tests.api.test_bulk_migration import at_second
from tests.api.test_migrate import Process, audit_rows, row
from tests.pools import two_pools

ROW = re.compile(r'<tr class="diff-row diff-(\w+)" data-element="([^"]+)"')


def test_the_definitions_page_links_each_version_to_its_diff_and_migration(login, web_login):
    proc = Process(login)
    v1, v2 = proc.one(), proc.two()
    page = web_login("analyst", lang="en").text("/definitions")
    assert f'href="/definitions/{proc.key}/diff/{v1}/{v2}"' in page
    assert f'href="/definitions/{proc.key}/diff/0/{v1}"' not in page  # the first version has no previous one
    assert "Diff with previous" in page
    assert f'href="/definitions/{proc.key}/versions/{v1}/migration"' in page
    assert "与上一版本比较" in web_login("admin").text("/definitions")


def test_the_diff_page_lists_each_change_with_names_in_both_languages(login, web_login):
    proc = Process(login)
    v1, v2 = proc.one(), proc.two()
    path = f"/definitions/{proc.key}/diff/{v1}/{v2}"
    page = web_login("analyst", lang="en").text(path)
    rows = ROW.findall(page)
    assert sorted(rows) == sorted(
        [("added", "f5"), ("added", "review"), ("removed", "f4"), ("removed", "lane_b"), ("removed", "second")]
        + [("changed", e) for e in ("end", "f2", "f3", "lane_a", "script")]
    )
    assert "Second step" in page and "Review" in page and "script" in page
    assert f"changes from v{v1} to v{v2}" in page
    # both diagrams are drawn from the versions' XML
    assert f"/api/v1/process-definitions/{proc.key}/versions/{v1}/xml" in page
    assert f"/api/v1/process-definitions/{proc.key}/versions/{v2}/xml" in page
    zh = web_login("admin").text(path)
    assert "新增" in zh and "删除" in zh and "修改" in zh and "脚本" in zh
    same = web_login("analyst", lang="en").text(f"/definitions/{proc.key}/diff/{v1}/{v1}")
    assert "The two versions do not differ." in same and not ROW.findall(same)


def test_the_diff_page_lists_pools_and_message_flows(login, web_login):
    key = "web_diff_pools"
    analyst = login("analyst")
    letter = {"mf_letter": ("Complaint", "p_customer", "reply")}
    v1 = analyst.deploy(two_pools(key, customer="Customer", message_flows=letter))[0]["version"]
    later = two_pools(key, customer="Client", message_flows={"mf_result": ("Result", "check", "p_customer")})
    v2 = analyst.deploy(later.replace(b'id="p_customer"', b'id="p_customer" processRef="none"'))[0]["version"]
    path = f"/definitions/{key}/diff/{v1}/{v2}"
    page = web_login("analyst", lang="en").text(path)
    rows = ROW.findall(page)
    assert sorted(rows) == [("added", "mf_result"), ("changed", "p_customer"), ("removed", "mf_letter")]
    assert "messageFlow" in page and "participant" in page and "Client" in page
    assert "name, process of the pool" in html.unescape(page)
    assert "池对应的流程" in web_login("admin").text(path)


def test_the_diff_page_refuses_unknown_versions_and_other_roles(login, web_login):
    proc = Process(login)
    v1 = proc.one()
    analyst = web_login("analyst", lang="en")
    assert "no version 9" in analyst.text(f"/definitions/{proc.key}/diff/{v1}/9", expect=404)
    analyst.get("/definitions/nothing_here/diff/1/1", expect=404)
    web_login("agent").get(f"/definitions/{proc.key}/diff/{v1}/{v1}", expect=403)


def test_the_migration_page_dry_run_confirmation_and_results(rt, login, web_login):
    proc = Process(login)
    v1 = proc.one()
    agent = login("agent")
    movable = proc.start(agent)
    blocked = at_second(agent, proc)
    v2 = proc.two()
    path = f"/definitions/{proc.key}/versions/{v1}/migration"
    # analysts (who own the procedure) see the dry run with the movable case ticked; managers see nothing
    page = web_login("analyst", lang="en").text(f"{path}?to_version={v2}")
    assert f'data-instance="{movable["id"]}" class="can"' in page
    assert f'data-instance="{blocked["id"]}" class="cannot"' in page
    assert re.findall(r'name="instance" value="([0-9]+):', page) == [str(movable["id"])]
    web_login("manager", lang="en").get(f"{path}?to_version={v2}", expect=403)
    assert f"<code>second</code>: the case is here and v{v2} has no such element" in html.unescape(page)
    # admins tick the movable cases (the blocked one has no box)
    admin = web_login("admin", lang="en")
    page = admin.text(f"{path}?to_version={v2}")
    boxes = re.findall(r'name="instance" value="([^"]+)"', page)
    assert [b.split(":")[0] for b in boxes] == [str(movable["id"])]
    # first a confirmation, nothing moved yet
    confirm = admin.post(path, {"to_version": str(v2), "instance": boxes[0]}, expect=200).get_data(as_text=True)
    assert "Confirm migration" in confirm and "1 case will move" in confirm
    assert row(rt, movable["id"])[0] == v1
    # then the move
    done = admin.post(path, {"to_version": str(v2), "instance": boxes[0], "confirm": "yes"}, expect=200)
    text = done.get_data(as_text=True)
    assert f'data-instance="{movable["id"]}" data-outcome="migrated"' in text and "moved" in text
    assert row(rt, movable["id"])[0] == v2 and len(audit_rows(rt, movable["id"])) == 1
    # the same choice again: the case changed (it moved), so nothing happens to it twice
    again = admin.post(path, {"to_version": str(v2), "instance": boxes[0], "confirm": "yes"}, expect=200)
    assert 'data-outcome="refused"' in again.get_data(as_text=True)
    assert len(audit_rows(rt, movable["id"])) == 1
    # a case that cannot move, sent anyway: refused, naming the element, in words
    refused = admin.post(path, {"to_version": str(v2), "instance": str(blocked["id"]), "confirm": "yes"}, expect=200)
    text = html.unescape(refused.get_data(as_text=True))
    assert 'data-outcome="refused"' in text and f"<code>second</code>: the case is here and v{v2}" in text
    zh = web_login("admin").text(f"{path}?to_version={v2}")
    assert "试运行" in zh and f"而 v{v2} 没有这个元素" in zh


def test_the_migration_page_refuses_bad_choices_and_other_roles(login, web_login):
    proc = Process(login)
    v1 = proc.one()
    inst = proc.start(login("agent"))
    v2 = proc.two()
    path = f"/definitions/{proc.key}/versions/{v1}/migration"
    admin = web_login("admin", lang="en")
    admin.get(path)
    assert "choose at least one case" in admin.post(path, {"to_version": str(v2)}, expect=422).get_data(as_text=True)
    admin.post(path, {"instance": str(inst["id"])}, expect=422)
    admin.post(path, {"to_version": str(v2), "instance": "x:y"}, expect=422)
    admin.post(path, {"to_version": "99", "instance": str(inst["id"])}, expect=404)
    admin.get(f"{path}?to_version=99", expect=404)
    analyst = web_login("analyst")
    analyst.get(path)
    confirm = analyst.post(path, {"to_version": str(v2), "instance": str(inst["id"])}, expect=200)
    assert 'name="confirm" value="yes"' in confirm.get_data(as_text=True)  # analysts may move: asked to confirm
    web_login("manager").post(path, {"to_version": str(v2), "instance": str(inst["id"])}, expect=403)
    web_login("agent").get(path, expect=403)

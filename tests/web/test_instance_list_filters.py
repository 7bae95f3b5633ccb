"""The complaint list's filter form, status tabs, page numbers and "Export CSV" link (/instances):
the page lists what the API lists for the same filters, the tabs count each status under the
other filters and keep them, a bad value is shown on its field (400), and the export keeps the
filters and the user's language."""

from __future__ import annotations

import csv
import html
import io
import re

from app.services.instance_search import name_key
from tests.task_rows import Spec, instance_rows, write

ROW = re.compile(r'<tr data-instance-id="(\d+)"')
TAB = re.compile(r'<a href="([^"]*)" data-status="(\w*)"( aria-current="page")?>[^<]*<span class="count">\(([^)]*)\)')
EXPORT = re.compile(r'id="export-csv" href="([^"]+)"')


def _seed(rt) -> list[int]:
    """30 cases: severity B for every third, customers 张三 / 李四 by parity, statuses mixed."""
    rows = [
        {
            "severity_level": "B" if n % 3 == 0 else "E",
            "customer_name": "张三" if n % 2 == 0 else "李四",
            "customer_name_key": name_key("张三" if n % 2 == 0 else "李四"),
            "customer_phone": f"1380000{n:04d}",
            "status": "completed" if n % 5 == 0 else "running",
            "business_key": f"TS20261101-{n:06d}",
            "started_by": "agent2",
        }
        for n in range(30)
    ]
    return instance_rows(rt, rows)


def _ids(page: str) -> list[int]:
    return [int(i) for i in ROW.findall(page)]


def _tabs(page: str) -> dict[str, tuple[str, bool, str]]:
    return {status: (html.unescape(href), bool(current), count) for href, status, current, count in TAB.findall(page)}


def test_filtering_by_severity_and_customer_lists_what_the_api_lists(rt, web_login, login):
    ids = _seed(rt)
    agent = web_login("agent", lang="en")
    page = agent.text("/instances?severity=B&customer=张")
    expected = [i for n, i in enumerate(ids) if n % 3 == 0 and n % 2 == 0][::-1]
    assert _ids(page) == expected
    api = login("agent").get("/process-instances?severity=B&customer=张&per_page=200", expect=200)
    assert [i["id"] for i in api["items"]] == expected
    assert 'value="张"' in page and '<option value="B" selected>' in page  # the form keeps the filters
    assert "张三" in page and "李四" not in page.split("<tbody>")[1]  # the customer column
    by_phone = agent.text("/instances?customer=1380000001")
    assert _ids(by_phone) == [ids[n] for n in range(19, 9, -1)]  # 0010..0019


def test_status_tabs_count_under_the_other_filters_and_keep_them(rt, web_login):
    ids = _seed(rt)
    page = web_login("agent", lang="en").text("/instances?severity=B&status=completed")
    tabs = _tabs(page)
    b = [n for n in range(30) if n % 3 == 0]
    assert tabs[""][2] == str(len(b)) and tabs["completed"][2] == str(sum(1 for n in b if n % 5 == 0))
    assert tabs["running"][2] == str(sum(1 for n in b if n % 5)) and tabs["error"][2] == "0"
    assert tabs["completed"][1] and not tabs[""][1]  # the chosen status is the current tab
    assert "severity=B" in tabs["running"][0] and "status=running" in tabs["running"][0]
    assert "status=" not in tabs[""][0] and "severity=B" in tabs[""][0]
    assert _ids(page) == [ids[n] for n in b if n % 5 == 0][::-1]


def test_page_numbers_link_the_first_pages(rt, web_login):
    _seed(rt)
    instance_rows(rt, [{"started_by": "agent2"}] * 40)  # 70 cases: 4 pages
    page = web_login("agent", lang="en").text("/instances?status=running")
    links = re.findall(r'class="page-number" href="([^"]+)">(\d+)<', page)
    assert [n for _href, n in links] == ["2", "3", "4"] and '<strong aria-current="page" class="page-number">1' in page
    assert all("status=running" in html.unescape(href) for href, _n in links)


def test_a_bad_filter_is_shown_on_its_field(rt, web_login):
    _seed(rt)
    agent = web_login("agent", lang="en")
    r = agent.get("/instances?severity=Z&created_from=2026-02-30&customer=张", expect=400)
    page = r.get_data(as_text=True)
    assert "Choose a level from A to E." in page and 'id="error-severity"' in page
    assert 'id="error-created_from"' in page and "Enter a date as YYYY-MM-DD." in page
    assert 'value="2026-02-30"' in page and 'value="张"' in page and not ROW.findall(page)
    zh = web_login("agent").get("/instances?created_from=2026-11-02&created_to=2026-11-01", expect=400)
    assert "结束日期不能早于开始日期。" in zh.get_data(as_text=True)


def test_the_export_link_keeps_the_filters_and_the_language(rt, web_login):
    ids = _seed(rt)
    write(rt, ids, [Spec(["quality"], instance=0)])
    agent = web_login("agent")
    link = html.unescape(EXPORT.search(agent.text("/instances?severity=B&customer=张")).group(1))
    assert link.startswith("/instances/export.csv?") and "severity=B" in link and "customer=" in link
    r = agent.get(link)
    assert r.mimetype == "text/csv" and r.get_data().startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(r.get_data().decode("utf-8-sig"), newline="")))
    assert table[0][:4] == ["登记编号", "流程", "版本", "状态"]
    assert [row[0] for row in table[1:]] == [f"TS20261101-{n:06d}" for n in range(30) if n % 6 == 0][::-1]
    agent.get("/instances/export.csv?severity=Z", expect=400)
    quality = web_login("quality")  # a handler's export holds what they may see: the case with their task
    table = list(csv.reader(io.StringIO(quality.get("/instances/export.csv").get_data().decode("utf-8-sig"))))
    assert [row[0] for row in table[1:]] == ["TS20261101-000000"]


def test_the_task_and_group_choices_come_from_the_diagrams(rt, web_login):
    page = web_login("agent", lang="en").text("/instances")
    assert '<option value="Task_ApproveByManager">' in page and '<option value="quality">' in page
    zh = web_login("agent").text("/instances")
    assert "客户姓名或电话" in zh and "按开头查找" in zh and "导出 CSV" in zh

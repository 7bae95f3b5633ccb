"""The web complaint list (/instances): 20 a page, newest first, page numbers while the count
is exact, a capped count ("10,000+") and cursor links past the cap; the links keep the filters,
the pages together are the whole filtered list in order, and a non-admin sees only their own."""

from __future__ import annotations

import html
import re

from app.services import instance_lists
from tests.task_rows import Spec, instance_rows, write
from tests.web.conftest import NEXT_PAGE as NEXT

ROW = re.compile(r'<tr data-instance-id="(\d+)"')
COUNT = re.compile(r'id="instances-count"[^>]*>\(([^)]*)\)<')


def _seed(rt, n: int) -> list[int]:
    """``n`` instances, every third one of another process; ids oldest first."""
    keys = ["complaint_handling", "complaint_handling", "other_process"]
    return instance_rows(rt, [{"process_key": keys[i % 3], "started_by": "agent2"} for i in range(n)])


def _walk(walk_pages, user, path: str) -> tuple[list[int], list[str]]:
    ids, pages = walk_pages(user, path, ROW)
    return [int(i) for i in ids], pages


def test_the_list_pages_newest_first_and_keeps_the_filter(rt, web_login, walk_pages):
    ids = _seed(rt, 45)
    agent = web_login("agent", lang="en")
    listed, pages = _walk(walk_pages, agent, "/instances?process_key=complaint_handling")
    assert listed == [i for n, i in enumerate(ids) if n % 3 != 2][::-1]
    assert [len(ROW.findall(p)) for p in pages] == [20, 10]
    assert COUNT.search(pages[0]).group(1) == "30" and "Page 1 of 2" in pages[0]
    assert "process_key=complaint_handling" in NEXT.search(pages[0]).group(1) and "page=2" in pages[0]
    assert "Previous" in pages[1] and 'id="next-page"' not in pages[1]
    everything, _ = _walk(walk_pages, agent, "/instances")
    assert everything == ids[::-1]
    assert "Page 2 of 3" in agent.text("/instances?page=2&status=running")


def test_past_the_cap_the_count_is_capped_and_the_next_link_is_a_cursor(rt, web_login, walk_pages, monkeypatch):
    monkeypatch.setattr(instance_lists, "COUNT_CAP", 40)
    ids = _seed(rt, 45)
    agent = web_login("agent", lang="en")
    listed, pages = _walk(walk_pages, agent, "/instances?status=running")
    assert listed == ids[::-1] and [len(ROW.findall(p)) for p in pages] == [20, 20, 5]
    assert COUNT.search(pages[0]).group(1) == "40+" and "More than 40 match" in pages[0]
    assert "<span>Page 1</span>" in pages[0] and "Page 1 of" not in pages[0]  # the number of pages is unknown
    second, third = (html.unescape(NEXT.search(p).group(1)) for p in pages[:2])
    assert "page=2" in second and "cursor=" not in second  # 40 rows deep: still a page number
    assert "cursor=" in third and "status=running" in third  # past the cap: the cursor, with the filter
    assert "First page" in pages[2] and "Previous" not in pages[2]
    agent.get("/instances?page=3", expect=400)  # 60 rows deep > the cap: refused, the link uses the cursor
    zh = web_login("agent").text("/instances")
    assert "(40+)" in zh and "超过 40 条符合条件" in zh and "第 1 页" in zh and "下一页" in zh


def test_a_short_list_has_no_pager(rt, web_login):
    _seed(rt, 3)
    page = web_login("agent", lang="en").text("/instances")
    assert COUNT.search(page).group(1) == "3" and 'id="next-page"' not in page and "Page 1" not in page


def test_a_tampered_cursor_or_a_deep_page_is_a_400_page(rt, web_login):
    _seed(rt, 3)
    agent = web_login("agent", lang="en")
    agent.get("/instances?cursor=not-a-cursor", expect=400)
    agent.get("/instances?cursor=eyJpIjoiNyJ9", expect=400)  # {"i":"7"}
    agent.get("/instances?page=501", expect=400)  # 10,020 rows deep
    agent.get("/instances?page=99999999999999999999999", expect=400)
    assert len(ROW.findall(agent.text("/instances?cursor="))) == 3


def test_a_non_admin_sees_only_their_instances_on_every_page(rt, web_login, walk_pages):
    ids = _seed(rt, 60)
    theirs = ids[::2]  # those with a task for quality's group
    write(rt, ids, [Spec(["quality"], instance=n) for n in range(0, 60, 2)])
    listed, pages = _walk(walk_pages, web_login("quality", lang="en"), "/instances")
    assert listed == theirs[::-1] and len(pages) == 2
    assert COUNT.search(pages[0]).group(1) == "30" and "Page 1 of 2" in pages[0]
    only_process, _ = _walk(walk_pages, web_login("quality", lang="en"), "/instances?process_key=other_process")
    assert only_process == [i for n, i in enumerate(ids) if n % 2 == 0 and n % 3 == 2][::-1]

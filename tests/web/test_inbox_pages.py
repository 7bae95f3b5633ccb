"""The web inbox shows one page (50 tasks) with a link to the next and a capped count; paging
keeps the scope and the due-time sort, and the pages together are the whole inbox in order."""

from __future__ import annotations

import re

from tests.task_rows import Spec, instances, write
from tests.web.conftest import NEXT_PAGE

ROW = re.compile(r'<tr data-task-id="([^"]+)"')


def _specs(n: int) -> list[Spec]:
    return [Spec(["quality"], created=i // 3, due=None if i % 4 == 0 else (i * 7) % 50, instance=i) for i in range(n)]


def test_the_inbox_shows_one_page_and_a_next_link(rt, web_login, walk_pages):
    specs = _specs(120)
    write(rt, instances(rt, 7), specs)
    quality = web_login("quality", lang="en")
    ids, pages = walk_pages(quality, "/", ROW)
    assert [len(ROW.findall(p)) for p in pages] == [50, 50, 20]
    assert ids == [s.id for s in sorted(specs, key=lambda s: (s.created, s.id))]
    assert "120 open tasks" in pages[0] and "Next page" in pages[0] and "First page" in pages[1]
    assert 'id="next-page"' not in pages[-1]
    by_due, due_pages = walk_pages(quality, "/?sort=due", ROW)
    expected = sorted(specs, key=lambda s: (s.due is None, s.due or 0, s.created, s.id))
    assert by_due == [s.id for s in expected]
    assert all("sort=due" in NEXT_PAGE.search(p).group(1) for p in due_pages[:-1])  # the link keeps the sort
    assert "data-due-state" in due_pages[0]
    assert web_login("quality").text("/?scope=mine").count("<tr data-task-id") == 0


def test_the_count_is_capped_and_translated(rt, web_login):
    write(rt, instances(rt, 3), _specs(1003))
    page = web_login("quality", lang="en").text("/?scope=group")
    assert "1,000+ open tasks" in page and page.count("<tr data-task-id") == 50
    zh = web_login("quality").text("/")
    assert "1,000+ 个待办任务" in zh and "下一页" in zh


def test_a_tampered_cursor_is_a_400_page_not_a_500(rt, web_login):
    write(rt, instances(rt, 1), _specs(3))
    quality = web_login("quality", lang="en")
    quality.get("/?cursor=not-a-cursor", expect=400)
    quality.get("/?cursor=eyJzIjoiY3JlYXRlZCJ9", expect=400)  # {"s":"created"}
    assert quality.text("/?cursor=").count("<tr data-task-id") == 3

"""The case page of a complaint linked as one batch (rule 3.7) shows the batch, in both languages;
a complaint in no batch shows none."""

from __future__ import annotations

from tests.batches.test_batch_complaints import register, reviews


def test_rule_3_7_the_case_page_shows_the_batch_and_its_recall_decision(login, web_login):
    ids = [register(login, n) for n in range(1, 6)]
    assert 'id="batch"' not in web_login("admin", lang="en").text(f"/instances/{ids[0]}")
    ids.append(register(login, 6))
    [review] = reviews(login)
    page = web_login("admin", lang="en").text(f"/instances/{ids[0]}")
    assert 'class="card batch" id="batch"' in page
    assert "6 or more independent consumers, same production date" in page
    assert 'class="batch-count">6<' in page and 'data-recall="pending"' in page
    assert f'href="/instances/{review["id"]}"' in page
    assert "Spoiled / off taste or smell" in page
    zh = web_login("admin").text(f"/instances/{ids[5]}")
    assert "批量性投诉" in zh and "同一生产日期6名以上独立消费者" in zh and "变质/异味" in zh

"""The results of the decision tables a complaint keeps (``handling_hours``, ``severity_reasons``)
are labelled in words on the case page, in both languages, never shown as raw names."""

from __future__ import annotations

from tests.web.test_codes_in_words import visible_text


def test_decision_results_are_labelled_in_both_languages(login, web_login):
    intake = {
        "channel": "phone",
        "complainant": {"name": "张三", "phone": "13800138000"},
        "description": "第二次来电",
        "contact_count": 2,
    }
    case = login("agent").post(
        "/process-instances", json={"process_key": "complaint_handling", "variables": intake}, expect=201
    )
    variables = login("admin").get(f"/process-instances/{case['id']}", expect=200)["variables"]
    assert variables["handling_hours"] == 6  # level D: important, 6 hours (handling_time_limit)
    assert variables["severity_reasons"] == [{"criterion": "secondary_complaint", "level": "D"}]
    zh = visible_text(web_login("admin", lang="zh").text(f"/instances/{case['id']}"))
    en = visible_text(web_login("admin", lang="en").text(f"/instances/{case['id']}"))
    assert "处理时限(小时)" in zh and "符合的严重度标准" in zh
    assert "Handling time limit (hours)" in en and "Severity criteria met" in en
    for page in (zh, en):
        assert "handling hours" not in page and "severity reasons" not in page

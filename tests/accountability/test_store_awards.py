"""Rule 7.2, the yearly part: the top three stores without a complaint all year get 1,500 yuan
each; January's review reads them (``services/accountability.clean_stores``)."""

from __future__ import annotations

from app.services import accountability
from handlers.accountability import accountability_period, accountability_proposals


def test_rule_7_2_the_top_three_stores_without_a_complaint_all_year_get_1500_yuan(month, rt):
    month.finding("sales", store="北京路店", month="1990-05")  # the longest without a complaint
    month.finding("sales", store="人民路店", month="1991-02")
    month.finding("sales", store="中山路店", month="1991-07")
    month.finding("sales", store="解放路店", month="1991-09")
    month.finding("agent", store="和平路店", month="1992-03", valid=False)  # any complaint counts
    month.finding("agent", store="人民路店", month="1992-11")
    with rt.sessions() as s:
        stores = accountability.clean_stores(s, 1992)
        facts = accountability.review_facts(s, {"month": "1992-12", "year": 1992})
    assert stores == ["北京路店", "中山路店", "解放路店"]
    assert facts["clean_stores"] == stores
    awards = accountability_proposals(facts)["store_awards"]
    assert awards == [{"store": s, "award_yuan": 1500} for s in stores]


def test_rule_7_2_the_stores_are_reviewed_on_januarys_first_working_day_only():
    january = accountability_period({"now": "2027-01-04T10:00:00+08:00"})  # 1 January is a holiday
    assert january == {"first_working_day": True, "today": "2027-01-04", "month": "2026-12", "year": 2026}
    assert accountability_period({"now": "2027-01-01T10:00:00+08:00"})["first_working_day"] is False
    assert accountability_period({"now": "2027-03-01T10:00:00+08:00"})["year"] is None

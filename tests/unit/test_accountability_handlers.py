"""The pure accountability handlers (domain.md §7): the penalty tiers, the awards and the day."""

from __future__ import annotations

import pytest

from handlers.accountability import accountability_period, accountability_proposals


@pytest.mark.parametrize(
    ("count", "action", "fine"),
    [
        (2, "public_criticism_and_fine", 100),
        (3, "fine", 200),
        (4, "fine", 300),
        (5, "dismissal", None),
        (9, "dismissal", None),
    ],
)
def test_rule_7_1_each_count_has_its_penalty(count, action, fine):
    [penalty] = accountability_proposals({"valid": {"zhang": count}})["penalties"]
    assert (penalty["action"], penalty["fine_yuan"], penalty["valid_findings"]) == (action, fine, count)


def test_rule_7_1_one_valid_complaint_is_no_penalty_and_awards_need_patience():
    result = accountability_proposals({"valid": {"zhang": 1}, "patient": {"li": 0}})
    assert result == {"penalties": [], "awards": [], "store_awards": [], "lines": []}


def test_rule_7_2_only_three_stores_are_awarded():
    stores = accountability_proposals({"valid": {}, "clean_stores": ["a", "b", "c", "d"]})["store_awards"]
    assert [s["store"] for s in stores] == ["a", "b", "c"] and {s["award_yuan"] for s in stores} == {1500}


def test_the_period_needs_an_aware_time():
    with pytest.raises(ValueError, match="now"):
        accountability_period({"now": "2026-11-02T10:00:00"})
    with pytest.raises(ValueError, match="now"):
        accountability_period({})


def test_the_first_working_day_follows_weekends():
    assert accountability_period({"now": "2026-11-02T09:00:00+08:00"})["first_working_day"] is True  # Monday
    assert accountability_period({"now": "2026-11-01T09:00:00+08:00"})["first_working_day"] is False  # Sunday
    assert accountability_period({"now": "2026-11-02T09:00:00+08:00"})["month"] == "2026-10"

"""Daily (store morning meeting), weekly (region) and monthly reports (rule 8.1): the summary
and the page take a ``period`` preset (day, ISO week, month) around ``date``, with the
department filter, on the March 2025 fixture (``tests/reports/conftest.py``)."""

from __future__ import annotations

from typing import Any

import pytest


def summary(login: Any, query: str) -> dict[str, Any]:
    return dict(login("manager").get(f"/reports/summary?{query}", expect=200))


def test_rule_8_1_a_daily_report_counts_the_complaints_of_one_day(login: Any, march_facts: dict[str, int]) -> None:
    day = summary(login, "period=day&date=2025-03-05")
    assert day["period"] == {
        "kind": "day",
        "name": "2025-03-05",
        "from": "2025-03-05",
        "to": "2025-03-05",
        "department": None,
    }
    assert (day["totals"]["received"], day["totals"]["overdue"]) == (1, 1)  # F2
    # F5 at 23:30 on 31 March (business time) is that day's, F6 at 00:30 on 1 April the next
    assert summary(login, "period=day&date=2025-03-31")["totals"]["received"] == 1
    assert summary(login, "period=day&date=2025-04-01")["totals"]["received"] == 1


def test_rule_8_1_a_weekly_report_is_the_iso_week_monday_to_sunday(login: Any, march_facts: dict[str, int]) -> None:
    week = summary(login, "period=week&date=2025-03-12&group_by=department")
    assert (week["period"]["name"], week["period"]["from"], week["period"]["to"]) == (
        "2025-W11",
        "2025-03-10",
        "2025-03-16",
    )
    assert week["totals"]["received"] == 2  # F3 (Monday 10th) and F8 (Saturday 15th)
    assert {r["key"]: r["received"] for r in week["rows"]} == {"cs_supervisors": 1, "logistics": 1}
    # the week of 31 March runs into April: F5 and F6
    assert summary(login, "period=week&date=2025-04-02")["totals"]["received"] == 2


def test_rule_8_1_a_monthly_report_per_department(login: Any, march_facts: dict[str, int]) -> None:
    month = summary(login, "period=month&date=2025-03-18&department=quality")
    assert (month["period"]["name"], month["period"]["to"], month["period"]["department"]) == (
        "2025-03",
        "2025-03-31",
        "quality",
    )
    assert month["totals"]["received"] == 3  # F1 F2 F5
    assert summary(login, "period=month&date=2025-03-18")["totals"]["received"] == 6


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("period=year", "period"),
        ("period=week&date=2025-13-01", "date"),
        ("period=day&from=2025-03-01", "period"),
        ("date=2025-03-01", "date"),
    ],
)
def test_a_bad_period_preset_is_422_naming_the_field(login: Any, query: str, field: str) -> None:
    err = login("manager").get(f"/reports/summary?{query}", expect=422)["error"]
    assert err["code"] == "invalid_report_query" and err["details"][0]["field"] == field


def test_the_page_offers_the_presets_and_steps_through_weeks(web_login: Any, march_facts: dict[str, int]) -> None:
    page = web_login("manager", lang="en")
    html = page.text("/reports?period=week&date=2025-03-12&department=logistics")
    presets = html.split('id="report-presets"', 1)[1].split("</nav>", 1)[0]
    assert 'data-preset="week" class="active"' in presets and "ISO week 2025-W11" in presets
    assert "Day 2025-03-16" in presets and "Month 2025-03" in presets
    assert 'href="/reports?period=week&amp;date=2025-03-09&amp;department=logistics"' in presets  # previous
    assert 'href="/reports?period=week&amp;date=2025-03-17&amp;department=logistics"' in presets  # next
    assert "Complaints received from 2025-03-10 to 2025-03-16" in html
    totals = html.split('id="report-totals"', 1)[1].split("</dl>", 1)[0]
    assert 'data-figure="received">1<' in totals  # F3, the week's logistics complaint
    zh = web_login("supervisor").text("/reports?period=day&date=2025-03-05")
    assert "2025-03-05 至 2025-03-05 受理的投诉" in zh and 'data-figure="received">1<' in zh
    page.get("/reports?period=fortnight", expect=422)

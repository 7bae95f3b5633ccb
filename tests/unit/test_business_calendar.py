"""Business calendar: working days (statutory holidays, make-up days 调休, company days) and
working hours, and the timer helpers driven through the diagram sandbox and the product clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.business_calendar import (
    BusinessCalendar,
    calendar_from_env,
    default_calendar,
    parse_hours,
    set_default_calendar,
    working_days,
)
from app.clock import clock
from app.engine.sandbox import evaluate

SH = ZoneInfo("Asia/Shanghai")
CAL = BusinessCalendar()


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SH)


def days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


@pytest.fixture
def standard_default() -> Iterator[None]:
    set_default_calendar(BusinessCalendar())
    try:
        yield
    finally:
        set_default_calendar(None)


# --- working days: holidays and make-up days -------------------------------------


def test_library_knows_the_2026_notice():
    cn = holidays.China(years=2026)
    assert {date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)} <= cn.weekend_workdays


def test_spring_festival_2026_is_not_worked():
    for day in days(date(2026, 2, 15), date(2026, 2, 23)):
        assert not CAL.is_working_day(day), day
    assert CAL.is_working_day(date(2026, 2, 13))  # Friday before
    assert CAL.is_working_day(date(2026, 2, 24))  # Tuesday after


def test_make_up_weekend_days_are_working_days():
    assert CAL.is_working_day(date(2026, 2, 14))  # Saturday 调休
    assert CAL.is_working_day(date(2026, 2, 28))  # Saturday 调休
    assert not CAL.is_working_day(date(2026, 3, 7))  # ordinary Saturday
    assert not CAL.is_working_day(date(2026, 3, 8))  # ordinary Sunday


def test_national_day_2026():
    for day in days(date(2026, 10, 1), date(2026, 10, 7)):
        assert not CAL.is_working_day(day), day
    assert CAL.is_working_day(date(2026, 9, 20))  # Sunday 调休
    assert CAL.is_working_day(date(2026, 10, 10))  # Saturday 调休
    assert CAL.is_working_day(date(2026, 10, 8))


def test_deadline_across_spring_festival_counts_make_up_days():
    # Friday 13 Feb, then Saturday 14 (make-up), then nothing until Tuesday 24 Feb
    assert CAL.add_working_days(at(2026, 2, 13, 10), 1) == at(2026, 2, 14, 10)
    assert CAL.add_working_days(at(2026, 2, 13, 10), 2) == at(2026, 2, 24, 10)
    assert CAL.end_of_working_day(at(2026, 2, 13, 10), 7) == at(2026, 2, 28, 18)
    assert CAL.working_days_between(date(2026, 2, 13), date(2026, 2, 28)) == 6


def test_year_2027_and_far_years_work():
    assert CAL.is_working_day(date(2027, 1, 4))
    assert not CAL.is_working_day(date(2027, 1, 1))
    assert not CAL.is_working_day(date(2027, 2, 8))  # Spring Festival 2027
    assert CAL.add_working_days(at(2027, 12, 30, 10), 5).year == 2028
    assert CAL.is_working_day(date(2150, 1, 2))  # past the library's range: weekends only
    assert not CAL.is_working_day(date(2150, 1, 3))


def test_company_closure_day_is_skipped():
    cal = BusinessCalendar(closure_days=frozenset({date(2026, 12, 31)}))
    assert not cal.is_working_day(date(2026, 12, 31))
    # Wednesday 30 Dec + 1: Thursday 31 is closed, Friday 1 Jan is New Year → Monday 4 Jan
    assert cal.add_working_days(at(2026, 12, 30, 15), 1) == at(2027, 1, 4, 15)
    assert CAL.add_working_days(at(2026, 12, 30, 15), 1) == at(2026, 12, 31, 15)


def test_company_extra_working_day_is_counted():
    cal = BusinessCalendar(extra_workdays=frozenset({date(2026, 3, 7)}))
    assert cal.is_working_day(date(2026, 3, 7))
    assert cal.add_working_days(at(2026, 3, 6, 17), 1) == at(2026, 3, 7, 17)


def test_closure_wins_over_extra_workday():
    cal = BusinessCalendar(closure_days=frozenset({date(2026, 3, 9)}), extra_workdays=frozenset({date(2026, 3, 9)}))
    assert not cal.is_working_day(date(2026, 3, 9))


# --- add_working_days ------------------------------------------------------------


def test_friday_afternoon_plus_two_working_days_is_tuesday():
    assert CAL.add_working_days(at(2026, 3, 6, 17), 2) == at(2026, 3, 10, 17)


def test_time_outside_working_hours_moves_to_the_close_of_the_day():
    assert CAL.add_working_days(at(2026, 3, 6, 20), 2) == at(2026, 3, 10, 18)
    assert CAL.add_working_days(at(2026, 3, 6, 7, 30), 1) == at(2026, 3, 9, 18)
    assert CAL.add_working_days(at(2026, 3, 6, 12, 30), 1) == at(2026, 3, 9, 18)  # lunch break
    assert CAL.add_working_days(at(2026, 3, 6, 12), 1) == at(2026, 3, 9, 12)  # boundary is inside


def test_start_on_a_weekend_counts_from_monday():
    assert CAL.add_working_days(at(2026, 3, 7, 10), 1) == at(2026, 3, 9, 10)


def test_result_is_in_the_calendar_zone():
    result = CAL.add_working_days(datetime(2026, 3, 6, 9, tzinfo=UTC), 2)  # 17:00 in Shanghai
    assert result == at(2026, 3, 10, 17)
    assert result.utcoffset() == timedelta(hours=8)


def test_zero_working_days_is_the_start():
    assert CAL.add_working_days(at(2026, 3, 7, 10), 0) == at(2026, 3, 7, 10)


# --- add_working_hours -----------------------------------------------------------


def test_working_hours_across_lunch():
    assert CAL.add_working_hours(at(2026, 3, 9, 11), 2) == at(2026, 3, 9, 14)
    assert CAL.add_working_hours(at(2026, 3, 9, 11), 1) == at(2026, 3, 9, 12)  # ends at the period end


def test_working_hours_overnight_and_over_a_weekend():
    assert CAL.add_working_hours(at(2026, 3, 9, 17), 2) == at(2026, 3, 10, 10)
    assert CAL.add_working_hours(at(2026, 3, 6, 17), 24) == at(2026, 3, 11, 17)


def test_working_hours_from_outside_working_hours():
    assert CAL.add_working_hours(at(2026, 3, 9, 12, 30), 0.5) == at(2026, 3, 9, 13, 30)
    assert CAL.add_working_hours(at(2026, 3, 9, 20), 1) == at(2026, 3, 10, 10)
    assert CAL.add_working_hours(at(2026, 3, 7, 10), 8) == at(2026, 3, 9, 18)


def test_working_hours_across_spring_festival():
    assert CAL.add_working_hours(at(2026, 2, 13, 17), 2) == at(2026, 2, 14, 10)
    assert CAL.add_working_hours(at(2026, 2, 14, 17), 2) == at(2026, 2, 24, 10)


def test_custom_working_hours():
    cal = BusinessCalendar(hours=((time(8, 30), time(17, 30)),))
    assert cal.add_working_hours(at(2026, 3, 9, 17), 1) == at(2026, 3, 10, 9)
    assert cal.end_of_working_day(at(2026, 3, 9, 10), 1) == at(2026, 3, 9, 17, 30)


# --- end_of_working_day, working_days_between -------------------------------------


def test_end_of_the_nth_working_day():
    assert CAL.end_of_working_day(at(2026, 3, 9, 10), 1) == at(2026, 3, 9, 18)
    assert CAL.end_of_working_day(at(2026, 3, 9, 10), 7) == at(2026, 3, 17, 18)
    assert CAL.end_of_working_day(at(2026, 3, 7, 10), 1) == at(2026, 3, 9, 18)  # Saturday: Monday is day 1
    assert CAL.end_of_working_day(at(2026, 3, 9, 19), 1) == at(2026, 3, 10, 18)  # after the close


def test_working_days_between():
    assert CAL.working_days_between(date(2026, 3, 6), date(2026, 3, 10)) == 2
    assert CAL.working_days_between(date(2026, 3, 10), date(2026, 3, 6)) == -2
    assert CAL.working_days_between(date(2026, 3, 6), date(2026, 3, 6)) == 0
    assert CAL.working_days_between(date(2026, 9, 30), date(2026, 10, 10)) == 3  # 8, 9 and Saturday 10 Oct


# --- refusals --------------------------------------------------------------------


def test_naive_datetime_is_refused():
    naive = datetime(2026, 3, 6, 17)
    for call in (
        lambda: CAL.add_working_days(naive, 2),
        lambda: CAL.add_working_hours(naive, 2),
        lambda: CAL.end_of_working_day(naive, 2),
    ):
        with pytest.raises(ValueError, match="naive"):
            call()


@pytest.mark.parametrize("n", [-1, 1.5, True, 10**9])
def test_bad_day_counts_are_refused(n):
    with pytest.raises(ValueError):
        CAL.add_working_days(at(2026, 3, 6, 17), n)


@pytest.mark.parametrize("hours", [-1, float("nan"), float("inf"), "2"])
def test_bad_hour_counts_are_refused(hours):
    with pytest.raises(ValueError):
        CAL.add_working_hours(at(2026, 3, 6, 17), hours)


def test_bad_configuration_is_refused():
    with pytest.raises(ValueError, match="overlap"):
        BusinessCalendar(hours=((time(9), time(13)), (time(12), time(18))))
    with pytest.raises(ValueError, match="end after"):
        BusinessCalendar(hours=((time(18), time(9)),))
    with pytest.raises(ValueError):
        BusinessCalendar(hours=())
    with pytest.raises(ValueError, match="country"):
        BusinessCalendar(country="XX")


def test_a_calendar_without_working_days_fails_instead_of_looping():
    closed = frozenset(date(2026, 1, 1) + timedelta(days=i) for i in range(800))
    with pytest.raises(ValueError, match="no working day"):
        BusinessCalendar(closure_days=closed).add_working_days(at(2026, 1, 1, 10), 1)


# --- configuration from the environment -----------------------------------------


def test_calendar_from_env():
    cal = calendar_from_env(
        {
            "BUSINESS_TIMEZONE": "Asia/Hong_Kong",
            "BUSINESS_HOURS": "08:30-12:00, 13:30-17:30",
            "COMPANY_CLOSURE_DAYS": "2026-12-31,2027-01-04",
            "COMPANY_EXTRA_WORKDAYS": "2026-03-07",
        }
    )
    assert cal.tz == ZoneInfo("Asia/Hong_Kong")
    assert cal.hours == ((time(8, 30), time(12)), (time(13, 30), time(17, 30)))
    assert cal.closure_days == {date(2026, 12, 31), date(2027, 1, 4)}
    assert cal.extra_workdays == {date(2026, 3, 7)}
    assert calendar_from_env({}) == BusinessCalendar()


def test_bad_environment_is_refused():
    with pytest.raises(ValueError):
        calendar_from_env({"BUSINESS_HOURS": "9-18"})
    with pytest.raises(ValueError):
        parse_hours("09:00")
    with pytest.raises(ValueError):
        calendar_from_env({"COMPANY_CLOSURE_DAYS": "31/12/2026"})


def test_set_default_calendar():
    custom = BusinessCalendar(extra_workdays=frozenset({date(2026, 3, 7)}))
    set_default_calendar(custom)
    try:
        assert default_calendar() is custom
        assert working_days(1, "2026-03-06T17:00:00+08:00") == "2026-03-07T17:00:00+08:00"
    finally:
        set_default_calendar(None)
    assert default_calendar() == calendar_from_env()


# --- timer helpers through the sandbox and the product clock ---------------------


def test_helpers_follow_the_simulated_clock(standard_default):
    # Friday 6 March 2099, 20:00 in Shanghai: after hours, so every result is exact
    target = at(2099, 3, 6, 20)
    clock.advance(target - clock.now())
    try:
        assert evaluate("working_days(2)", {}) == "2099-03-10T18:00:00+08:00"
        assert evaluate("working_hours(4)", {}) == "2099-03-09T14:00:00+08:00"
        assert evaluate("end_of_working_day(1)", {}) == "2099-03-09T18:00:00+08:00"
        assert evaluate("end_of_working_day(7)", {}) == "2099-03-17T18:00:00+08:00"
    finally:
        clock.reset()


def test_helpers_take_a_start_from_the_process_data(standard_default):
    data = {"received_at": "2026-03-06T17:00:00+08:00", "days": 2}
    assert evaluate("working_days(days, received_at)", data) == "2026-03-10T17:00:00+08:00"
    assert evaluate("working_hours(24, received_at)", data) == "2026-03-11T17:00:00+08:00"
    assert evaluate("end_of_working_day(7, received_at)", data) == "2026-03-16T18:00:00+08:00"
    with pytest.raises(ValueError, match="naive"):
        evaluate("working_days(2, '2026-03-06T17:00:00')", {})


def test_helper_results_are_timer_dates_the_engine_reads(standard_default):
    value = evaluate("working_days(2, '2026-03-06T17:00:00+08:00')", {})
    assert TimerEventDefinition.get_datetime(value) == datetime(2026, 3, 10, 9, tzinfo=UTC)
    now = clock.now()
    due = datetime.fromisoformat(evaluate("working_hours(1)", {}))
    assert now < due <= now + timedelta(days=30)

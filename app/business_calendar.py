"""Working days and working hours for the time limits of domain.md §2 ("2 working days",
"24 working hours", "end of the 7th working day").

A working day is a weekday that is not a public holiday, or an official make-up working
Saturday/Sunday (调休), or a company extra working day; a company closure day is never one.
Public holidays and make-up days come from the ``holidays`` library (``CN`` by default):
it computes statutory holidays for any year up to 2100, but make-up days only for the years
whose official notice it knows; later years count weekends as rest days. Pure: no Flask, no
database. Rules and examples for analysts: docs/business_calendar.md.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import MAXYEAR, MINYEAR, UTC, date, datetime, time, timedelta
from itertools import islice, pairwise
from zoneinfo import ZoneInfo

import holidays

from app.clock import clock

Period = tuple[time, time]

DEFAULT_COUNTRY = "CN"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_HOURS: tuple[Period, ...] = ((time(9), time(12)), (time(13), time(18)))
MAX_WORKING_DAYS = 10_000
MAX_WORKING_HOURS = 100_000
_MAX_IDLE_DAYS = 366  # consecutive days without work before we call the calendar broken


@dataclass(frozen=True)
class _Year:
    holidays: frozenset[date]
    makeup_days: frozenset[date]
    weekend: frozenset[int]


@dataclass(frozen=True)
class BusinessCalendar:
    """Immutable calendar configuration; every method takes and returns aware datetimes."""

    country: str = DEFAULT_COUNTRY
    tz: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    hours: tuple[Period, ...] = DEFAULT_HOURS
    closure_days: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    _years: dict[int, _Year] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        periods = tuple(sorted((start, end) for start, end in self.hours))
        if not periods:
            raise ValueError("a business calendar needs at least one working period")
        for start, end in periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("working hours are wall-clock times without a time zone")
            if not start < end:
                raise ValueError(f"working period {start:%H:%M}-{end:%H:%M} must end after it starts")
        for (_, end), (start, _) in pairwise(periods):
            if start < end:
                raise ValueError("working periods overlap")
        try:
            holidays.country_holidays(self.country)
        except NotImplementedError:
            raise ValueError(f"no holiday calendar for country {self.country!r}") from None
        object.__setattr__(self, "hours", periods)
        object.__setattr__(self, "closure_days", frozenset(self.closure_days))
        object.__setattr__(self, "extra_workdays", frozenset(self.extra_workdays))

    @property
    def closing_time(self) -> time:
        """End of the last working period of a day."""
        return self.hours[-1][1]

    def is_working_day(self, d: date) -> bool:
        day = self._as_date(d)
        if day in self.closure_days:
            return False
        if day in self.extra_workdays:
            return True
        year = self._year(day.year)
        if day.weekday() in year.weekend:
            return day in year.makeup_days
        return day not in year.holidays

    def add_working_days(self, start: datetime, n: int) -> datetime:
        """The same time of day on the n-th working day after ``start``'s day; when that time is
        outside working hours, the end of that day's working hours. ``n == 0`` is ``start``."""
        n = _count(n, "working days", minimum=0)
        local = self._local(start)
        if n == 0:
            return local
        day = _nth(self._working_days_from(local.date() + timedelta(days=1)), n)
        wall = local.time()
        if not any(begin <= wall <= end for begin, end in self.hours):
            wall = self.closing_time
        return datetime.combine(day, wall, tzinfo=self.tz)

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """``start`` plus ``hours`` counted only inside working periods of working days; a start
        outside working hours counts from the next working period. A count that ends exactly at
        the end of a period gives that end (12:00, 18:00), not the start of the next one."""
        if isinstance(hours, bool) or not isinstance(hours, int | float) or not math.isfinite(hours):
            raise ValueError(f"working hours must be a finite number, not {hours!r}")
        if not 0 <= hours <= MAX_WORKING_HOURS:
            raise ValueError(f"working hours must be between 0 and {MAX_WORKING_HOURS}")
        remaining = timedelta(hours=hours)
        local = self._local(start)
        cursor = local.astimezone(UTC)
        for day in self._working_days_from(local.date()):
            for begin, end in self._periods(day):
                if end <= cursor:
                    continue
                begin = max(begin, cursor)
                if remaining <= end - begin:
                    return (begin + remaining).astimezone(self.tz)
                remaining -= end - begin
        raise AssertionError("unreachable: the working-day iterator never ends")  # pragma: no cover

    def end_of_working_day(self, start: datetime, n: int) -> datetime:
        """End of working hours of the n-th working day, counting ``start``'s day as day 1 when it
        is a working day and ``start`` is before its closing time; otherwise the next working day
        is day 1."""
        n = _count(n, "working days", minimum=1)
        local = self._local(start)
        first = local.date()
        if local.time() >= self.closing_time:
            first += timedelta(days=1)
        day = _nth(self._working_days_from(first), n)
        return datetime.combine(day, self.closing_time, tzinfo=self.tz)

    def working_days_between(self, a: date, b: date) -> int:
        """Working days ``d`` with ``a < d <= b`` (negative when ``b`` is before ``a``), so that
        ``working_days_between(s.date(), add_working_days(s, n).date()) == n``."""
        first, last = self._as_date(a), self._as_date(b)
        if last < first:
            return -self.working_days_between(last, first)
        days = (first + timedelta(days=i) for i in range(1, (last - first).days + 1))
        return sum(1 for day in days if self.is_working_day(day))

    # internals

    def _local(self, moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime, not {type(moment).__name__}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("naive datetime: give a time zone (e.g. +08:00)")
        return moment.astimezone(self.tz)

    def _as_date(self, d: date) -> date:
        if isinstance(d, datetime):
            return self._local(d).date()
        if not isinstance(d, date):
            raise TypeError(f"expected a date, not {type(d).__name__}")
        return d

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            # neighbours too: a make-up day can be announced with the next year's holidays
            years = range(max(MINYEAR, year - 1), min(MAXYEAR, year + 1) + 1)
            source = holidays.country_holidays(self.country, years=years)
            cached = _Year(
                holidays=frozenset(d for d in source if d.year == year),
                makeup_days=frozenset(d for d in source.weekend_workdays if d.year == year),
                weekend=frozenset(source.weekend),
            )
            self._years[year] = cached  # a race only computes the same value twice
        return cached

    def _periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The day's working periods as UTC instants (right across daylight-saving changes)."""
        return [
            (
                datetime.combine(day, begin, tzinfo=self.tz).astimezone(UTC),
                datetime.combine(day, end, tzinfo=self.tz).astimezone(UTC),
            )
            for begin, end in self.hours
        ]

    def _working_days_from(self, day: date) -> Iterator[date]:
        """Working days from ``day`` (included) on."""
        idle = 0
        while True:
            if self.is_working_day(day):
                idle = 0
                yield day
            else:
                idle += 1
                if idle > _MAX_IDLE_DAYS:
                    raise ValueError(f"no working day in the year after {day - timedelta(days=idle)}")
            try:
                day += timedelta(days=1)
            except OverflowError:
                raise ValueError("the time limit falls after the year 9999") from None


def _count(n: int, what: str, minimum: int) -> int:
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValueError(f"the number of {what} must be a whole number, not {n!r}")
    if not minimum <= n <= MAX_WORKING_DAYS:
        raise ValueError(f"the number of {what} must be between {minimum} and {MAX_WORKING_DAYS}")
    return n


def _nth(days: Iterator[date], n: int) -> date:
    return next(islice(days, n - 1, None))


# configuration from the environment


def parse_hours(text: str) -> tuple[Period, ...]:
    """``"09:00-12:00,13:00-18:00"`` → working periods."""
    periods = []
    for part in _items(text):
        begin, sep, end = part.partition("-")
        if not sep:
            raise ValueError(f"working period {part!r} is not HH:MM-HH:MM")
        periods.append((time.fromisoformat(begin.strip()), time.fromisoformat(end.strip())))
    return tuple(periods)


def parse_dates(text: str) -> frozenset[date]:
    """``"2026-12-31,2027-01-04"`` → dates."""
    return frozenset(date.fromisoformat(part) for part in _items(text))


def _items(text: str) -> Iterable[str]:
    return (part.strip() for part in text.split(",") if part.strip())


def calendar_from_env(environ: Mapping[str, str] | None = None) -> BusinessCalendar:
    """The calendar configured by ``BUSINESS_TIMEZONE``, ``BUSINESS_HOURS``,
    ``COMPANY_CLOSURE_DAYS``, ``COMPANY_EXTRA_WORKDAYS`` and ``BUSINESS_COUNTRY``."""
    env = os.environ if environ is None else environ
    hours = env.get("BUSINESS_HOURS", "").strip()
    return BusinessCalendar(
        country=env.get("BUSINESS_COUNTRY", "").strip() or DEFAULT_COUNTRY,
        tz=ZoneInfo(env.get("BUSINESS_TIMEZONE", "").strip() or DEFAULT_TIMEZONE),
        hours=parse_hours(hours) if hours else DEFAULT_HOURS,
        closure_days=parse_dates(env.get("COMPANY_CLOSURE_DAYS", "")),
        extra_workdays=parse_dates(env.get("COMPANY_EXTRA_WORKDAYS", "")),
    )


_default: BusinessCalendar | None = None


def default_calendar() -> BusinessCalendar:
    """The calendar the timer helpers use (from the environment unless set)."""
    global _default
    if _default is None:
        _default = calendar_from_env()
    return _default


def set_default_calendar(calendar: BusinessCalendar | None) -> None:
    """Replace the default calendar; ``None`` reads the environment again on next use."""
    global _default
    _default = calendar


# timer helpers for diagram expressions (registered in app.engine.sandbox.HELPERS)


def _start(start: datetime | str | None) -> datetime:
    if start is None:
        return clock.now()
    if isinstance(start, str):
        return datetime.fromisoformat(start)
    return start


def working_days(n: int, start: datetime | str | None = None) -> str:
    """ISO 8601 date-time ``n`` working days after ``start`` (default: the product clock's now)."""
    return default_calendar().add_working_days(_start(start), n).isoformat()


def working_hours(hours: float, start: datetime | str | None = None) -> str:
    """ISO 8601 date-time ``hours`` working hours after ``start`` (default: now)."""
    return default_calendar().add_working_hours(_start(start), hours).isoformat()


def end_of_working_day(n: int, start: datetime | str | None = None) -> str:
    """ISO 8601 end of the ``n``-th working day, day 1 being ``start``'s (default: today)."""
    return default_calendar().end_of_working_day(_start(start), n).isoformat()

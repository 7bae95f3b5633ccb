"""The product's one notion of "now".

Everything that stamps or compares times (audit, tasks, tokens, timers) reads
``clock.now()``. With ``SIMULATED_CLOCK=1`` an admin can move it forward.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

# A simulation run's virtual time, pinned for the engine steps of that run only (this thread or
# task); everything else, the scheduler included, keeps reading the product clock.
_pinned: ContextVar[datetime | None] = ContextVar("pinned_clock", default=None)


class Clock:
    """Wall clock, optionally shifted forward by a simulated offset; ``pinned`` overrides it
    in one context (a simulation run's virtual clock)."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()
        self.simulated = False
        self.business_tz = ZoneInfo("Asia/Shanghai")

    def now(self) -> datetime:
        pinned = _pinned.get()
        if pinned is not None:
            return pinned
        return datetime.now(UTC) + self._offset

    @contextmanager
    def pinned(self, when: datetime) -> Iterator[None]:
        """Inside, ``now()`` answers ``when`` (aware) in this context only; the product clock,
        other threads and other runs are not affected."""
        if when.tzinfo is None:
            raise ValueError("a pinned time needs a time zone")
        token = _pinned.set(when.astimezone(UTC))
        try:
            yield
        finally:
            _pinned.reset(token)

    @property
    def is_pinned(self) -> bool:
        return _pinned.get() is not None

    @property
    def pinned_time(self) -> datetime | None:
        """The time pinned in this context, if any (a stand-in clock in tests honours it too)."""
        return _pinned.get()

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        with self._lock:
            self._offset += delta
        return self.now()

    def advance_to(self, when: datetime) -> datetime:
        """Move the clock forward to ``when`` (never back)."""
        return self.advance(max(timedelta(0), when - self.now()))

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)


clock = Clock()


def utcnow() -> datetime:
    """Now, from the product clock, timezone-aware UTC."""
    return clock.now()


def business_today() -> date:
    """Today's date where the business is (``BUSINESS_TIMEZONE``, default Asia/Shanghai)."""
    return clock.now().astimezone(clock.business_tz).date()


class ClockDatetime(datetime):
    """``datetime`` whose ``now()`` is the product clock; naive ``now()`` is business-local time."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Any:
        current = clock.now()
        if tz is not None:
            return current.astimezone(tz)
        return current.astimezone(clock.business_tz).replace(tzinfo=None)

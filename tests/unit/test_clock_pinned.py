"""``clock.pinned``: a simulation run's virtual time, in one context only."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from app.clock import ClockDatetime, clock, utcnow

MONDAY = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)


def test_inside_now_is_the_pinned_time_and_outside_it_is_not() -> None:
    with clock.pinned(MONDAY):
        assert clock.now() == MONDAY and utcnow() == MONDAY and clock.is_pinned
        assert ClockDatetime.now(UTC) == MONDAY  # what the engine's timer code reads
    assert clock.now() != MONDAY and not clock.is_pinned


def test_pins_nest_and_unwind() -> None:
    later = MONDAY + timedelta(hours=5)
    with clock.pinned(MONDAY):
        with clock.pinned(later):
            assert clock.now() == later
        assert clock.now() == MONDAY


def test_another_thread_keeps_the_product_clock_and_its_own_pin() -> None:
    seen: dict[str, datetime] = {}
    entered, release = threading.Event(), threading.Event()

    def other() -> None:
        seen["unpinned"] = clock.now()
        with clock.pinned(MONDAY + timedelta(days=1)):
            entered.set()
            release.wait(5)
            seen["pinned"] = clock.now()

    thread = threading.Thread(target=other)
    with clock.pinned(MONDAY):
        thread.start()
        assert entered.wait(5)
        assert clock.now() == MONDAY  # the other thread's pin does not reach here
        release.set()
        thread.join(5)
    assert seen["pinned"] == MONDAY + timedelta(days=1)
    assert seen["unpinned"] != MONDAY


def test_a_pin_needs_a_time_zone() -> None:
    with pytest.raises(ValueError), clock.pinned(datetime(2026, 12, 7, 9, 0)):
        pass

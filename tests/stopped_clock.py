"""A stopped product clock for tests that read due times: real time does not move it, so a
test's outcome cannot depend on how fast (or how loaded) the machine is."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from app.clock import clock


@contextmanager
def stopped_clock() -> Iterator[None]:
    """Stop the product clock: inside, it moves only by ``clock.advance``/``advance_to``, never by
    itself. On leaving, the session's clock is moved on by as much, so it never goes back."""
    start = clock.now()
    moved = timedelta(0)

    def now() -> datetime:
        return clock.pinned_time or start + moved  # a simulation run's pin still wins

    def advance(delta: timedelta) -> datetime:
        nonlocal moved
        if delta < timedelta(0):
            raise ValueError("the clock only moves forward")
        moved += delta
        return now()

    clock.now, clock.advance = now, advance  # instance attributes shadow the methods
    try:
        yield
    finally:
        del clock.now, clock.advance
        clock.advance(moved)

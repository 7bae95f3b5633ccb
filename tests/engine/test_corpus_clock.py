"""The corpus cases do not depend on how fast the machine is.

On a loaded machine real time passes between two steps of a case: a 10 ms timer
(Test-Workflows/Timer-Intermediate) was once due before the test looked at it. Here the wall
clock races ahead by a second at every read, as on a very slow machine; every case must still
pass, because during a case only the test moves the product clock (``Run.advance``).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, tzinfo
from typing import Any

import pytest

from app.clock import clock
from tests.engine.corpus_harness import Runs
from tests.engine.test_spiff_corpus import CORPUS, ROWS, TABLE, file_key
from tests.stopped_clock import stopped_clock

RUNS = {file_key(r["file"]): r["file"] for r in ROWS if isinstance(TABLE[file_key(r["file"])], Runs)}


class RacingWallClock(datetime):
    """A wall clock that is one second later at every read."""

    reads = 0

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Any:
        cls.reads += 1
        return datetime.now(tz) + timedelta(seconds=cls.reads)


@pytest.fixture
def racing_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys.modules["app.clock"], "datetime", RacingWallClock)
    first = clock.now()
    assert clock.now() - first >= timedelta(seconds=1), "the product clock no longer reads the patched wall clock"


@pytest.mark.usefixtures("racing_wall_clock")
@pytest.mark.parametrize("key", sorted(RUNS))
def test_corpus_case_passes_however_slow_the_machine(key: str) -> None:
    case = TABLE[key]
    assert isinstance(case, Runs)
    case.check(CORPUS / RUNS[key])


def test_the_stopped_clock_moves_only_when_told_and_then_hands_the_time_on() -> None:
    before = clock.now()
    with stopped_clock():
        start = clock.now()
        assert clock.now() == start
        clock.advance(timedelta(hours=2))
        assert clock.now() == start + timedelta(hours=2)
        clock.advance_to(start + timedelta(hours=3))
        assert clock.now() == start + timedelta(hours=3)
        with pytest.raises(ValueError, match="forward"):
            clock.advance(timedelta(seconds=-1))
    assert clock.now() >= before + timedelta(hours=3)  # the session clock never moves back

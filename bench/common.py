"""What every driver reports about one instance, and the database settings they share."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine, create_engine, event


@dataclass
class InstanceRun:
    """Timings of one instance driven from start to end."""

    ops: list[tuple[str, float]] = field(default_factory=list)  # ("start" | "complete", seconds)
    tasks: int = 0  # user tasks completed
    state_sizes: list[int] = field(default_factory=list)  # bytes of stored engine state at each wait

    @property
    def seconds(self) -> float:
        return sum(s for _, s in self.ops)


class Driver(Protocol):
    label: str
    db: Engine  # set by setup()

    def setup(self) -> None: ...

    def run_instance(self) -> InstanceRun: ...

    def close(self) -> dict[str, Any]: ...


class Stopwatch:
    """``with sw("complete"):`` appends the block's duration to ``run.ops``."""

    def __init__(self, run: InstanceRun) -> None:
        self.run = run

    def __call__(self, kind: str) -> _Lap:
        return _Lap(self.run, kind)


class _Lap:
    def __init__(self, run: InstanceRun, kind: str) -> None:
        self.run, self.kind = run, kind

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.run.ops.append((self.kind, time.perf_counter() - self.t0))


class StatementCounter:
    """Counts the SQL statements an engine sends (``BEGIN IMMEDIATE`` included, COMMIT not)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1


def bare_db_engine(url: str) -> Engine:
    """A plain SQLAlchemy engine with the product's SQLite durability settings
    (WAL, synchronous=NORMAL, BEGIN IMMEDIATE) and no pre-ping on PostgreSQL."""
    if not url.startswith("sqlite"):
        return create_engine(url)
    from app.db import make_engine

    return make_engine(url)  # the product's SQLite settings

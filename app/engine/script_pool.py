"""A warm pool of script workers: diagram code with a time and a memory limit.

Limits are enforced from outside the code that runs: each worker is a separate Python
process that caps its own address space before it takes any work (``memory_mb``), and the
product kills a worker whose run takes longer than ``timeout_seconds`` (a C-level
``pow(7, 10**8)`` cannot be interrupted from inside the interpreter). A killed or crashed
worker is replaced on the next run; the run that caused it fails with ``ScriptFailed``, which
the engine turns into an incident on that instance. Workers are started on first use and
reused (a process start costs ~100 ms; a run costs a pipe round trip and the data's JSON).
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import Any

from app import business_calendar
from app.clock import clock
from app.engine import data_codec
from app.engine.sandbox import ScriptError, ScriptFailed

log = logging.getLogger(__name__)
_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
_START_SECONDS = 60.0
HEADER = struct.Struct(">I")  # each message: its length, then UTF-8 JSON


@dataclass(frozen=True)
class ScriptLimits:
    """Limits of one run of diagram code in a worker (settings ``SCRIPT_*``)."""

    timeout_seconds: float = 5.0
    memory_mb: int = 256
    workers: int = 4
    max_output_bytes: int = 16 * 1024 * 1024
    runs_per_worker: int = 10_000


class _Gone(Exception):
    """The worker died or was killed."""


class _Worker:
    def __init__(self, limits: ScriptLimits) -> None:
        self.limits = limits
        self.runs = 0
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [_ROOT, os.environ.get("PYTHONPATH")]))}
        self.proc = subprocess.Popen(  # noqa: S603 - our own module, no shell
            [sys.executable, "-m", "app.engine.script_worker", str(limits.memory_mb), str(64 * 1024 * 1024)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=_ROOT,
            env=env,
            close_fds=True,
            start_new_session=True,  # a Ctrl-C or SIGTERM to the product's group does not reach it
        )
        ready = self._read(time.monotonic() + _START_SECONDS, 1024)
        if json.loads(ready).get("ready") is not True:
            raise _Gone("the script worker did not start")

    def call(self, request: bytes) -> dict[str, Any]:
        self.runs += 1
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(HEADER.pack(len(request)) + request)
            self.proc.stdin.flush()
        except OSError:
            raise _Gone("the script worker is gone") from None
        answer: dict[str, Any] = json.loads(
            self._read(time.monotonic() + self.limits.timeout_seconds, self.limits.max_output_bytes)
        )
        return answer

    def _read(self, deadline: float, limit: int) -> bytes:
        header = self._read_exact(HEADER.size, deadline)
        (size,) = HEADER.unpack(header)
        if size > limit:
            self.kill()
            raise ScriptFailed(f"diagram code produced more than {limit // (1024 * 1024)} MB of data")
        return self._read_exact(size, deadline)

    def _read_exact(self, size: int, deadline: float) -> bytes:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        chunks: list[bytes] = []
        while size > 0:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                self.kill()
                raise _Timeout
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                self.kill()
                raise _Gone("the script worker stopped (killed for its memory, or crashed)")
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None


class _Timeout(Exception):
    pass


class ScriptPool:
    """Up to ``limits.workers`` workers shared by the process's threads."""

    def __init__(self, limits: ScriptLimits | None = None) -> None:
        self.limits = limits or ScriptLimits()
        self._idle: list[_Worker] = []
        self._count = 0
        self._ready = threading.Condition()
        self._pid = os.getpid()
        self.runs = 0  # runs sent to workers (for tests and the benchmark)

    def evaluate(self, source: str, data: dict[str, Any], extra: dict[str, Any] | None) -> Any:
        return self._run("eval", source, data, extra)

    def execute(self, source: str, data: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
        """The data after the script ran (the caller replaces its data with it)."""
        result: dict[str, Any] = self._run("exec", source, data, extra)
        return result

    def _run(self, mode: str, source: str, data: dict[str, Any], extra: dict[str, Any] | None) -> Any:
        request = json.dumps(
            {
                "mode": mode,
                "source": source,
                "data": data_codec.encode(data, "the process data"),
                "extra": data_codec.encode(extra or {}, "the process data objects"),
                "now": clock.now().isoformat(),
                "calendar": _calendar_spec(),
            },
        ).encode()
        worker = self._acquire()
        self.runs += 1
        keep = False
        try:
            answer = worker.call(request)
            keep = not answer.get("fatal") and worker.runs < self.limits.runs_per_worker
        except _Timeout:
            raise ScriptFailed(
                f"diagram code ran longer than {self.limits.timeout_seconds:g} s and was stopped"
            ) from None
        except _Gone as exc:
            raise ScriptFailed(f"diagram code failed: {exc}") from None
        finally:
            self._release(worker, keep)
        if not answer.get("ok"):
            error_type = ScriptError if answer.get("refused") else ScriptFailed
            raise error_type(str(answer.get("error")), answer.get("lineno"))
        return data_codec.decode(answer["value"] if mode == "eval" else answer["data"])

    def _acquire(self) -> _Worker:
        with self._ready:
            if os.getpid() != self._pid:  # forked: the parent's workers are not ours
                self._idle, self._count, self._pid = [], 0, os.getpid()
            deadline = time.monotonic() + self.limits.timeout_seconds * 4 + _START_SECONDS
            while not self._idle and self._count >= self.limits.workers:
                if not self._ready.wait(max(0.0, deadline - time.monotonic())):
                    raise ScriptFailed("every script worker is busy; try again")
            if self._idle:
                return self._idle.pop()
            self._count += 1
        try:
            return _Worker(self.limits)
        except BaseException:
            with self._ready:
                self._count -= 1
                self._ready.notify()
            raise

    def _release(self, worker: _Worker, keep: bool) -> None:
        if not (keep and worker.alive):
            worker.kill()
        with self._ready:
            if keep and worker.alive:
                self._idle.append(worker)
            else:
                self._count -= 1
            self._ready.notify()

    def close(self) -> None:
        """Stop the idle workers (busy ones stop when their run ends)."""
        with self._ready:
            idle, self._idle = self._idle, []
            self._count -= len(idle)
        for worker in idle:
            worker.kill()


_pools: dict[ScriptLimits, ScriptPool] = {}
_pools_lock = threading.Lock()


def shared_pool(limits: ScriptLimits | None = None) -> ScriptPool:
    """The process's pool for these limits (engines with the same limits share workers)."""
    limits = limits or ScriptLimits()
    with _pools_lock:
        if limits not in _pools:
            _pools[limits] = ScriptPool(limits)
        return _pools[limits]


@atexit.register
def _close_pools() -> None:
    for pool in list(_pools.values()):
        pool.close()


_calendar_cache: tuple[Any, dict[str, Any]] | None = None


def _calendar_spec() -> dict[str, Any]:
    """The product's business calendar, for the worker's working-day helpers."""
    global _calendar_cache
    calendar = business_calendar.default_calendar()
    cached = _calendar_cache
    if cached is None or cached[0] is not calendar or cached[1]["business_tz"] != clock.business_tz.key:
        spec = {
            "country": calendar.country,
            "tz": calendar.tz.key,
            "business_tz": clock.business_tz.key,
            "hours": [[a.isoformat(), b.isoformat()] for a, b in calendar.hours],
            "closure_days": sorted(d.isoformat() for d in calendar.closure_days),
            "extra_workdays": sorted(d.isoformat() for d in calendar.extra_workdays),
        }
        cached = _calendar_cache = (calendar, spec)
    return cached[1]

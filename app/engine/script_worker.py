"""A script worker: runs diagram code sent by the product, one request at a time.

Started by ``app.engine.script_pool`` as ``python -m app.engine.script_worker MEMORY_MB``.
After its imports it caps its own address space (``RLIMIT_AS``: a script that builds a huge
value gets ``MemoryError``), forbids core dumps and new processes, then reads requests from
stdin and writes answers to stdout, each a 4-byte big-endian length and UTF-8 JSON. The
parent enforces the time limit by killing the worker. A worker never lets anything escape
a run: every ``BaseException`` (``SystemExit`` and ``KeyboardInterrupt`` included) is
answered as a failed run. It exits when stdin closes (the product went away).

Request: ``{"mode": "eval"|"exec", "source", "data", "extra", "now", "calendar"}`` where
``data``/``extra`` are ``data_codec`` text. Answer: ``{"ok": true, "value": ...}`` (eval),
``{"ok": true, "data": ...}`` (exec), or ``{"ok": false, "error", "lineno", "refused",
"fatal"}`` (``fatal``: the worker should be replaced, e.g. after ``MemoryError``).
"""

from __future__ import annotations

import json
import resource
import sys
from datetime import date, datetime, time
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from app import business_calendar
from app.clock import clock
from app.engine import data_codec, sandbox
from app.engine.script_pool import HEADER


def read_message(stream: BinaryIO, limit: int) -> bytes | None:
    """One framed message, or None at end of stream; refuses one longer than ``limit``."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    if size > limit:
        raise ValueError(f"message of {size} bytes is over the limit of {limit}")
    body = stream.read(size)
    return body if len(body) == size else None


def write_message(stream: BinaryIO, body: bytes) -> None:
    stream.write(HEADER.pack(len(body)) + body)
    stream.flush()


def _set_limits(memory_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
    if memory_mb > 0:
        with open("/proc/self/statm") as statm:  # current size, so the budget is on top of it
            pages = int(statm.read().split()[0])
        limit = pages * resource.getpagesize() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


_calendar_key: str | None = None


def _use_calendar(spec: dict[str, Any] | None) -> None:
    """Use the product's business calendar (sent with each request; rebuilt when it changes)."""
    global _calendar_key
    key = json.dumps(spec, sort_keys=True)
    if key == _calendar_key:
        return
    _calendar_key = key
    if spec is None:
        business_calendar.set_default_calendar(None)
        return
    business_calendar.set_default_calendar(
        business_calendar.BusinessCalendar(
            country=spec["country"],
            tz=ZoneInfo(spec["tz"]),
            hours=tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in spec["hours"]),
            closure_days=frozenset(date.fromisoformat(d) for d in spec["closure_days"]),
            extra_workdays=frozenset(date.fromisoformat(d) for d in spec["extra_workdays"]),
        )
    )
    clock.business_tz = ZoneInfo(spec["business_tz"])


def _set_clock(now_iso: str) -> None:
    """A run sees the product's clock as it was when the engine step sent it: the same "now"
    as the step around it, however long the run takes."""
    moment = datetime.fromisoformat(now_iso)
    clock.now = lambda: moment  # type: ignore[method-assign]


def run(request: dict[str, Any]) -> dict[str, Any]:
    """Run one request; never raises."""
    try:
        _use_calendar(request.get("calendar"))
        _set_clock(request["now"])
        data = data_codec.decode(request["data"])
        extra = data_codec.decode(request["extra"])
        if request["mode"] == "eval":
            value = sandbox.evaluate(request["source"], data, extra)
            return {"ok": True, "value": data_codec.encode(value, "the expression's value")}
        sandbox.execute(request["source"], data, extra)
        return {"ok": True, "data": data_codec.encode(data, "the script's data")}
    except sandbox.ScriptError as exc:
        return {"ok": False, "error": str(exc), "lineno": exc.lineno, "refused": True}
    except data_codec.UnstorableValue as exc:
        return {"ok": False, "error": str(exc), "lineno": None, "refused": True}
    except MemoryError:
        return {"ok": False, "error": "diagram code used more memory than allowed", "lineno": None, "fatal": True}
    except BaseException as exc:  # SystemExit & co. are a failed run, nothing more
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}", "lineno": _script_line(exc)}


def _script_line(err: BaseException) -> int | None:
    tb, line = err.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in ("<script>", "<expression>"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def main() -> None:
    memory_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    max_request = int(sys.argv[2]) if len(sys.argv) > 2 else 64 * 1024 * 1024
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers on the answer channel
    _set_limits(memory_mb)
    write_message(stdout, b'{"ready": true}')
    while True:
        try:
            body = read_message(stdin, max_request)
            if body is None:
                return
            answer = run(json.loads(body))
            text = json.dumps(answer).encode()
        except MemoryError:
            answer = {"fatal": True}
            text = b'{"ok": false, "error": "diagram code used more memory than allowed", "fatal": true}'
        write_message(stdout, text)
        if answer.get("fatal"):
            return


if __name__ == "__main__":
    main()

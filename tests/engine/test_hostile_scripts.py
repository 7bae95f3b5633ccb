"""Hostile diagram code, as a class: nothing it does escapes as more than a failed run.

Runs through the product's own runner (in-process for cheap code, a real worker process
with real limits otherwise); the limits are small here so the suite stays quick.
"""

from __future__ import annotations

import threading

import pytest
from RestrictedPython import safe_builtins

from app.engine.bounded_code import is_bounded
from app.engine.sandbox import ScriptError, ScriptFailed
from app.engine.script_pool import ScriptLimits, ScriptPool
from app.engine.scripting import ScriptRunner

LIMITS = ScriptLimits(timeout_seconds=1.0, memory_mb=128, workers=2)

# every BaseException that is not an Exception and that diagram code can name
BASE_EXCEPTIONS = sorted(
    name
    for name, value in safe_builtins.items()
    if isinstance(value, type) and issubclass(value, BaseException) and not issubclass(value, Exception)
)

# builtins and methods that allocate or compute from a number, and arithmetic that explodes
FROM_A_NUMBER = [
    "x = pow(7, 10**8)",
    "x = pow(10, 10**9, None)",
    "x = round(5, -10**9)",
    "x = 'a'.ljust(10**10)",
    "x = 'a'.rjust(10**10)",
    "x = 'a'.center(10**10)",
    "x = 'a'.zfill(10**10)",
    "x = 'a\\tb'.expandtabs(10**9)",
    "x = bytes(10**10)",
    "x = b'a'.ljust(10**10)",
    "x = (1).to_bytes(10**10, 'big')",
    "x = '%0*d' % (10**10, 1)",
    "x = f'{1:>{10**10}}'",
    "s = 'a' * 10**6\nx = s.replace('', s)",
    "s = 'a' * 10**6\nx = s.join([s] * 10**6)",
    "x = 'a' * 10**10",
    "x = [0] * 10**10",
    "x = 10 ** 10 ** 10",
    "x = 1 << 10**10",
    "x = list(range(10**10))",
    "s = 'ab'\nwhile True:\n    s = s + s",
    "x = sorted(range(10**9))",
    "x = sum([[0] * 10**6] * 10**3, [])",
    "x = json_dumps([1], indent=1000000000)",
]

UNSTORABLE = {
    "complex": "x = complex(1, 2)",
    "tuple key": "x = {(1, 2): 3}",
    "5,000-digit int": "x = 10 ** 5000",
    "NaN": "x = float('nan')",
    "infinity": "x = float('inf')",
    "NUL": "x = 'a' + chr(0) + 'b'",
    "lone surrogate": "x = chr(0xD800)",
}


@pytest.fixture(scope="module")
def runner():
    pool = ScriptPool(LIMITS)
    yield ScriptRunner(pool)
    pool.close()


def _run_in_thread(runner: ScriptRunner, source: str, data: dict) -> BaseException | None:
    """Run like a request thread does; return what escaped (the thread must survive)."""
    caught: list[BaseException | None] = [None]

    def work() -> None:
        try:
            runner.execute(source, data)
        except BaseException as exc:
            caught[0] = exc

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    return caught[0]


@pytest.mark.parametrize("name", BASE_EXCEPTIONS)
def test_base_exceptions_are_a_failed_run(runner, name):
    escaped = _run_in_thread(runner, f"raise {name}('from a diagram')", {})
    assert isinstance(escaped, ScriptFailed)
    assert name in str(escaped)


def test_own_base_exception_subclass_is_a_failed_run(runner):
    escaped = _run_in_thread(runner, "class Stop(BaseException):\n    pass\nraise Stop()", {})
    assert isinstance(escaped, ScriptFailed)


@pytest.mark.parametrize("source", FROM_A_NUMBER)
def test_numeric_blow_ups_are_stopped(runner, source):
    data = {"keep": "me"}
    escaped = _run_in_thread(runner, source, data)
    assert isinstance(escaped, ScriptError), escaped  # a failed or refused run, never more
    assert data == {"keep": "me"}  # nothing half-applied
    assert not is_bounded(source, "exec")


def test_calendar_helpers_run_in_process_within_their_own_limits(runner):
    assert is_bounded("x = working_days(1000000000)", "exec")
    with pytest.raises(ValueError, match="between 0 and 10000"):
        runner.execute("x = working_days(1000000000)", {})


def test_the_pool_survives_and_keeps_working(runner):
    for source in ("x = pow(7, 10**8)", "x = bytes(10**10)", "raise SystemExit(1)"):
        assert isinstance(_run_in_thread(runner, source, {}), ScriptError)
    data = {"n": 2}
    runner.execute("total = sum(i * n for i in range(10))", data)
    assert data == {"n": 2, "total": 90}
    assert runner.pool._count <= LIMITS.workers


def test_time_limit_names_the_limit(runner):
    escaped = _run_in_thread(runner, "x = pow(7, 10**8)", {})
    assert "longer than 1 s" in str(escaped)


def test_memory_limit_names_the_limit(runner):
    escaped = _run_in_thread(runner, "x = bytes(10**10)", {})
    assert "more memory than allowed" in str(escaped)


@pytest.mark.parametrize("what", sorted(UNSTORABLE))
def test_values_no_instance_can_keep_are_refused(runner, what):
    data = {"keep": 1}
    escaped = _run_in_thread(runner, UNSTORABLE[what], data)
    assert isinstance(escaped, ScriptError)
    assert "cannot be stored" in str(escaped)
    assert data == {"keep": 1}


def test_in_process_code_refuses_unstorable_values_too(runner):
    data = {"x": 1}
    assert is_bounded("y = x + 1\nz = str(y)", "exec")
    runner.execute("y = x + 1\nz = str(y)", data)
    assert data == {"x": 1, "y": 2, "z": "2"}
    assert is_bounded("y = x / 0.0 if False else float(t)", "exec")
    data = {"x": 1, "t": "nan"}
    with pytest.raises(ScriptError, match="NaN"):
        runner.execute("y = x / 0.0 if False else float(t)", data)
    assert data == {"x": 1, "t": "nan"}  # rolled back


@pytest.mark.parametrize(
    "source",
    [
        'approval_level["approver_group"] == "cs_supervisors"',
        'subject not in ("sales", "after_sales")',
        "not satisfied",
        'sla["handling_due"]',
        "registered_by",
        'severity_grade = severity["grade"] if ["general", "major"].index(severity["grade"]) > 0 else "general"',
        "reopen_count = reopen_count + 1",
    ],
)
def test_the_products_own_diagram_code_runs_in_process(source):
    mode = "exec" if "=" in source.replace("==", "") else "eval"
    assert is_bounded(source, mode)


def test_script_results_come_back_with_their_types(runner):
    data = {"n": 3}
    script = "from_worker = [datetime(2026, 1, 2, 3, 4), timedelta(hours=n), {'a': {1, 2}}]\nfor i in []: pass"
    runner.execute(script, data)
    when, delta, nested = data["from_worker"]
    assert (when.year, when.hour, delta.total_seconds(), nested) == (2026, 3, 3 * 3600, {"a": [1, 2]})

"""The seam between the product clock and SpiffWorkflow's timer code (``app/engine/clock_seam.py``).

SpiffWorkflow 3.2 has no clock injection point: its timer module reads
``datetime.now(timezone.utc)`` through its module-level ``datetime`` name and reads naive
``timeDate`` values in its module-level ``LOCALTZ``. The seam replaces those two names. These
tests fail if an upgrade changes how (or where) SpiffWorkflow reads the time, so the simulated
clock, the scheduler and the timer table would silently stop agreeing with the engine.

The last part runs the MIWG C.9.1 files (plain ISO 8601 timers, no Python quoting) through the
API and fires their timers on the simulated clock.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import pytest
from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from app.clock import ClockDatetime, clock
from app.engine import Engine, Instance, clock_seam, compile_diagram, parse_due, parse_untrusted
from handlers import REGISTRY
from tests.stopped_clock import stopped_clock
from tests.timers import diagrams

SPIFF_PACKAGE = Path(inspect.getfile(BpmnWorkflow)).resolve().parents[1]  # .../SpiffWorkflow
TIMER_CLASSES = (
    spiff_timer.TimerEventDefinition,
    spiff_timer.TimeDateEventDefinition,
    spiff_timer.DurationTimerEventDefinition,
    spiff_timer.CycleTimerEventDefinition,
)
_TIME_READ = re.compile(
    r"\b(?:datetime|date|time)\.(?:now|utcnow|today|time|monotonic)\(|(?<![\w.])(?:localtime|gmtime|time)\(\)"
)
_ids = iter(range(10_000, 1_000_000))


def _instance(xml: bytes, key: str, variables: dict | None = None) -> tuple[Engine, Instance]:
    engine = Engine(REGISTRY)
    [process] = [c for c in compile_diagram(parse_untrusted(xml, 1 << 20), REGISTRY, xml) if c.key == key]
    inst = engine.new_instance(next(_ids), process.content_hash, process.spec_json, variables or {})
    return engine, inst


def _timer_tasks(inst: Instance) -> list:
    return [t for t in inst.workflow.get_tasks() if t.task_spec.bpmn_id == "wait"]


# --- what the seam relies on in SpiffWorkflow's source ------------------------------------------
def test_timer_module_reads_the_time_only_through_its_module_level_datetime_name() -> None:
    source = inspect.getsource(spiff_timer)
    assert re.search(r"^from datetime import [^\n]*\bdatetime\b", source, re.M), "datetime no longer imported"
    classes = {c for c in vars(spiff_timer).values() if inspect.isclass(c) and c.__module__ == spiff_timer.__name__}
    assert classes == set(TIMER_CLASSES), f"the timer classes changed: {classes}"
    code = "\n".join(inspect.getsource(cls) for cls in TIMER_CLASSES)
    reads = _TIME_READ.findall(code)
    assert reads, "the timer classes no longer read the time: where do they now?"
    assert set(reads) == {"datetime.now("}, f"other time sources in the timer classes: {set(reads)}"
    assert code.count("datetime.now(timezone.utc)") == code.count("datetime.now("), "a naive or other-zone now()"
    for name in ("get_datetime", "get_timedelta_from_start", "parse_iso_recurring_interval"):
        assert hasattr(spiff_timer.TimerEventDefinition, name), name
    for cls, method in (
        (spiff_timer.TimeDateEventDefinition, "has_fired"),
        (spiff_timer.DurationTimerEventDefinition, "has_fired"),
        (spiff_timer.CycleTimerEventDefinition, "cycle_complete"),
    ):
        body = inspect.getsource(getattr(cls, method))
        assert "datetime.now(timezone.utc)" in body or "get_timedelta_from_start" in body, f"{cls.__name__}.{method}"
        assert "event_value" in body, f"{cls.__name__}.{method} no longer keeps its due time in event_value"
    assert callable(BpmnWorkflow.refresh_timers)


def test_no_other_spiffworkflow_module_reads_the_wall_clock_for_events() -> None:
    """A timer computation moved to another module would bypass the seam."""
    readers = sorted(
        str(path.relative_to(SPIFF_PACKAGE.parent))
        for path in SPIFF_PACKAGE.rglob("*.py")
        if re.search(r"\bdate(?:time)?\.(?:now|utcnow|today)\(", path.read_text(encoding="utf-8"))
    )
    assert readers == ["SpiffWorkflow/bpmn/specs/event_definitions/timer.py"], readers


def test_local_timezone_for_naive_dates_is_a_module_level_name() -> None:
    source = inspect.getsource(spiff_timer)
    assert re.search(r"^LOCALTZ = ", source, re.M), "LOCALTZ is gone"
    assert "LOCALTZ)" in inspect.getsource(spiff_timer.TimerEventDefinition.get_datetime)
    assert isinstance(spiff_timer.LOCALTZ, tzinfo)


def test_install_routes_the_module_through_the_product_clock() -> None:
    Engine(REGISTRY)  # creating an engine installs the seam
    assert clock_seam.installed()
    assert spiff_timer.datetime is ClockDatetime
    assert spiff_timer.LOCALTZ is clock.business_tz
    clock_seam.install()  # idempotent
    assert clock_seam.installed()
    # a naive timeDate is business-local time (Asia/Shanghai in tests), not the server's zone
    assert spiff_timer.TimerEventDefinition.get_datetime("2030-01-01T08:00:00") == datetime(2030, 1, 1, tzinfo=UTC)
    before = clock.now()
    seen = spiff_timer.datetime.now(spiff_timer.timezone.utc)
    assert before <= seen <= clock.now()


# --- behaviour through the seam -------------------------------------------------------------------
@pytest.fixture
def stopped() -> Iterator[None]:
    """Only the test moves the product clock, so due times are exact however loaded the machine."""
    with stopped_clock():
        yield


@pytest.mark.usefixtures("stopped")
def test_duration_timer_is_due_simulated_now_plus_duration_and_fires_only_when_the_clock_passes_it() -> None:
    clock.advance(timedelta(days=3))  # far from the wall clock: a read of the real time would show
    _, inst = _instance(diagrams.intermediate("seam_dur", "PT1H"), "seam_dur")
    start = clock.now()
    inst.run_steps()
    [timer] = inst.waiting_timers()
    due = parse_due(timer["value"])
    assert due is not None
    assert due - start == timedelta(hours=1)
    assert due - datetime.now(UTC) > timedelta(days=3)  # simulated, not wall-clock
    [task] = _timer_tasks(inst)

    clock.advance_to(due - timedelta(seconds=30))
    inst.workflow.refresh_timers()
    assert task.state == TaskState.WAITING, "fired before the simulated clock reached its due time"
    inst.run_steps()
    assert inst.waiting_timers() and inst.ready_user_tasks() == []

    clock.advance_to(due + timedelta(seconds=1))
    inst.workflow.refresh_timers()
    assert task.state == TaskState.READY
    inst.workflow.do_engine_steps()
    assert inst.waiting_timers() == []
    assert [t.element_id for t in inst.ready_user_tasks()] == ["after"]


def test_a_bypassed_seam_is_noticed(monkeypatch: pytest.MonkeyPatch) -> None:
    """What an upgrade that stops reading the module-level ``datetime`` would look like: the due
    time follows the wall clock, and the checks above fail."""
    clock.advance(timedelta(days=1))
    _, inst = _instance(diagrams.intermediate("seam_bypass", "PT1H"), "seam_bypass")
    monkeypatch.setattr(spiff_timer, "datetime", datetime)
    assert not clock_seam.installed()
    wall_before = datetime.now(UTC)
    inst.run_steps()
    wall_after = datetime.now(UTC)
    due = parse_due(inst.waiting_timers()[0]["value"])
    assert due is not None
    assert wall_before + timedelta(hours=1) <= due <= wall_after + timedelta(hours=1)
    assert clock.now() + timedelta(hours=1) - due > timedelta(days=1)


@pytest.mark.usefixtures("stopped")
def test_date_timer_fires_when_the_simulated_clock_passes_its_date() -> None:
    target = (clock.now() + timedelta(days=10)).replace(microsecond=0)
    _, inst = _instance(diagrams.intermediate("seam_date", "wake_at", tag="timeDate"), "seam_date")
    inst.workflow.task_tree.data["wake_at"] = target.isoformat()
    inst.run_steps()
    assert parse_due(inst.waiting_timers()[0]["value"]) == target
    clock.advance_to(target - timedelta(seconds=1))
    inst.run_steps()
    assert inst.ready_user_tasks() == []
    clock.advance_to(target + timedelta(seconds=1))
    inst.run_steps()
    assert [t.element_id for t in inst.ready_user_tasks()] == ["after"]


@pytest.mark.usefixtures("stopped")
def test_cycle_timer_starts_from_simulated_now_and_fires_each_cycle_on_the_clock() -> None:
    clock.advance(timedelta(days=1))
    _, inst = _instance(diagrams.cycle("seam_cycle", "R3/PT2H"), "seam_cycle")
    start = clock.now()
    inst.run_steps()
    [timer] = inst.waiting_timers()
    assert timer["value"]["cycles"] == 3
    first = parse_due(timer["value"])
    assert first is not None and first - start == timedelta(hours=2)
    for n in range(1, 4):
        clock.advance_to(start + timedelta(hours=2 * n, seconds=-60))
        inst.run_steps()
        assert inst.waiting_timers()[0]["value"]["cycles"] == 3 - (n - 1)  # cycle n not yet
        clock.advance_to(start + timedelta(hours=2 * n, seconds=5))
        inst.run_steps()
        left = [t["value"]["cycles"] for t in inst.waiting_timers()]
        assert left == ([3 - n] if n < 3 else []), f"after cycle {n}: {left}"
    assert [t.element_id for t in inst.ready_user_tasks()] == ["reply"]  # non-interrupting


# --- MIWG C.9.1: plain ISO 8601 timers, deployed and fired through the API -------------------------
MIWG = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "bpmn-miwg-test-suite"
C91 = [
    "Reference/C.9.1.bpmn",
    "bpmn.io (Camunda Modeler) 18.6.1/C.9.1-roundtrip.bpmn",
    "SAP Signavio Process Manager 19.9.0/C.9.1-export.bpmn",
    "Open-BPMN 1.2.8_2/C.9.1-roundtrip.bpmn",
]
DAY = 24 * 3600


def _fired(inst: dict) -> list[str]:
    return [h["element_id"] for h in inst["history"] if h["type"] == "timer_fired"]


@pytest.mark.parametrize("name", C91)
def test_miwg_c91_reminders_then_escalation_on_the_simulated_clock(flow, name: str) -> None:
    flow.deploy((MIWG / name).read_bytes())
    before = flow.now()
    inst = flow.start("requestDocument_en")
    after = flow.now()
    assert inst["status"] == "running" and inst["tasks"] == []
    due = {t["element_id"]: datetime.fromisoformat(t["due_at"]) for t in inst["timers"]}
    assert sorted(due) == ["BoundaryEvent_1", "BoundaryEvent_2"]  # R6/P1D reminder, P7D escalation
    assert before + timedelta(days=1) <= due["BoundaryEvent_1"] <= after + timedelta(days=1)
    assert before + timedelta(days=7) <= due["BoundaryEvent_2"] <= after + timedelta(days=7)

    assert flow.advance(DAY - 120) == 0  # two minutes early: nothing
    assert flow.advance(240) == 1  # the first daily reminder
    after = flow.instance(inst["id"])
    assert _fired(after) == ["BoundaryEvent_1"]
    # non-interrupting: the reminder path (send task -> end) ran, the receive task still waits
    assert after["status"] == "running" and after["tasks"] == [] and after["incidents"] == []
    nxt = {t["element_id"]: datetime.fromisoformat(t["due_at"]) for t in after["timers"]}
    assert abs(nxt["BoundaryEvent_1"] - due["BoundaryEvent_1"] - timedelta(days=1)) < timedelta(seconds=1)
    assert nxt["BoundaryEvent_2"] == due["BoundaryEvent_2"]

    assert flow.advance(6 * DAY) == 6  # reminders 2..6 (R6), then the one-week escalation
    after = flow.instance(inst["id"])
    assert _fired(after) == ["BoundaryEvent_1"] * 6 + ["BoundaryEvent_2"]
    assert after["timers"] == [] and after["status"] == "running" and after["incidents"] == []
    [call] = after["tasks"]  # interrupting: the wait is cancelled, someone calls the customer
    assert call["element_id"] == "UserTask_CallCustomer"
    assert flow.advance(30 * DAY) == 0  # never again
    done = flow.admin.post(f"/tasks/{call['id']}/complete", json={"data": {}}, expect=200)["instance"]
    assert done["status"] == "completed"

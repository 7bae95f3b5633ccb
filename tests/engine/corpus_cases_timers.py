"""Expected outcomes of the SpiffWorkflow corpus diagrams with timers, driven by the product clock
(stopped during each case: only the case moves it, see ``corpus_harness.stopped_clock``)."""

from __future__ import annotations

from pathlib import Path

from app.engine import Engine
from handlers import REGISTRY
from tests.engine.corpus_harness import Run, deploy

# The engine fires a timer once the clock is strictly past its due time; a poller never looks at
# exactly that instant, so the polling cases start this long after the timers were set.
POLL_LAG = 0.001


def approx(value: float, target: float) -> bool:
    """Equal to the microsecond: on the stopped clock a timer is due exactly its duration from now."""
    return abs(value - target) < 1e-6


def still_waiting_before(run: Run, element_id: str, early: float = 0.1) -> None:
    """Move the clock to ``early`` seconds before the timer is due: it must not fire yet."""
    run.advance(max(0.0, run.timer_due_in(element_id) - early))
    assert element_id in run.timers(), f"{element_id} fired early"


def boundary(path: Path) -> None:
    run = Run(deploy(path)["boundary_event"])
    assert run.ready() == ["Activity_09c27ms"]
    run.complete("Activity_09c27ms")
    assert run.ready() == ["Activity_Pester_Dad"]
    assert approx(run.timer_due_in("Event_0iiih8g"), 0.03)
    run.advance_to_timer("Event_0iiih8g")
    assert run.state_of("Subworkflow") == ["cancelled"]
    assert run.ready() == ["Activity_1ya1db2"]
    run.complete("Activity_1ya1db2")
    run.complete("StopCar")
    assert run.completed


def boundary_timer_on_task(path: Path) -> None:
    run = Run(deploy(path)["test_timer"])
    assert run.ready() == ["user_task"]
    assert approx(run.timer_due_in("Event_0y4hbl0"), 0.002)
    run.advance(1.0)  # the MANIFEST's "after 1 s + refresh_timers"
    assert run.task_data("set_variable")["timer_called"] is True
    assert run.ready() == ["user_task"]  # non-interrupting: the task is still there
    run.complete("user_task")
    assert run.completed


def timer_non_interrupt_boundary(path: Path) -> None:
    run = Run(deploy(path)["NonInterruptTimer"])
    assert run.ready() == ["Activity_Work"]
    assert list(run.timers()) == ["Event_0jyy8ao"]
    assert approx(run.timer_due_in("Event_0jyy8ao"), 0.2)
    still_waiting_before(run, "Event_0jyy8ao")
    assert run.ready() == ["Activity_Work"]  # exactly one ready task until the timer fires
    run.advance(0.3)
    assert run.ready() == ["Activity_Work", "GetReason"]
    run.complete("GetReason", delay_reason="Just Because")
    run.complete("Activity_Work", work_done="Yes")
    assert run.completed
    assert run.data == {"work_done": "Yes", "delay_reason": "Just Because"}


def timer(path: Path) -> None:
    run = Run(deploy(path)["timer"])
    assert list(run.timers()) == ["Event_0bxivgz"]
    assert approx(run.timer_due_in("Event_0bxivgz"), 0.25)
    still_waiting_before(run, "Event_0bxivgz")  # not cleared before 0.2 s
    run.advance(0.3)  # cleared before 0.5 s
    assert run.timers() == {}
    assert run.completed


class CustomFunction:
    """The ``custom_function`` SpiffWorkflow's timer tests put in their script environment:
    it counts its calls. Given to our engine as an extra diagram helper (``Engine(helpers=)``)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self) -> int:
        self.count += 1
        return self.count


def timer_cycle(path: Path) -> None:
    counter = CustomFunction()
    run = Run(deploy(path)["timer"], engine=Engine(REGISTRY, helpers={"custom_function": counter}))
    cycle = run.timers()["CatchMessage"]
    assert cycle["cycles"] == 2 and cycle["duration"] == 0.1
    assert approx(run.timer_due_in("CatchMessage"), 0.1)
    waiting = []
    run.advance(POLL_LAG)
    for _ in range(4):  # four polls 0.1 s apart, on the product clock
        waiting.append(len(run.timers()))
        run.advance(0.1)
    assert waiting == [1, 1, 0, 0]
    assert counter.count == 2 and run.incident is None
    assert run.ready() == ["Get_Coffee"]


def timer_cycle_start(path: Path) -> None:
    deployed = deploy(path)
    assert sorted(deployed) == ["Process_0vaq70r", "timer"]
    counter = CustomFunction()
    engine = Engine(REGISTRY, helpers={"custom_function": counter})
    cycle = Run(deployed["timer"], engine=engine)
    ender = Run(deployed["Process_0vaq70r"], engine=engine)
    assert cycle.timers()["CycleStart"]["cycles"] == 2
    assert approx(ender.timer_due_in("wait_timer"), 0.5)
    completed_at = []
    cycle.advance(POLL_LAG)
    for poll in range(6):  # six polls of 0.1 s: the cycle-started path runs twice, the ender ends at 0.5 s
        assert cycle.incident is None
        cycle.advance(0.1)
        ender.advance(0)
        if ender.completed:
            completed_at.append(poll)
    assert counter.count == 2
    assert completed_at and completed_at[0] == 4  # after the fifth poll (0.5 s), by its terminate end event


def timer_date_start(path: Path) -> None:
    run = Run(deploy(path)["date_timer"])
    assert list(run.timers()) == ["Event_0eb0w95"]
    # futuredate = datetime.now() + 0.05 s: the script's datetime is the product clock too (a script
    # worker sees the product clock's now of the step that sent it there)
    assert run.timer_due_in("Event_0eb0w95") == 0.05
    run.advance_to_timer("Event_0eb0w95")
    assert run.completed

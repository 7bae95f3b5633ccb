"""Drive corpus diagrams through OUR deploy path and engine, with a persistence round trip
after every step (the instance is dumped to JSON and loaded back, as the product does).

Timers run on the product clock (``app.clock.clock``), which the engine reads through the clock
seam (``app/engine/clock_seam.py``): ``Run.advance(seconds)`` moves the clock forward and runs
the engine, so every timer due by then fires, exactly as if that much time had passed;
``Run.advance_to_timer(element_id)`` moves it just past one pending timer's due time. Nothing
sleeps and nothing rewrites the engine's internal timer state. Every case (``Runs.check``) runs
on a stopped clock: real time does not move it, so a 10 ms timer is not due before the test says
so, however loaded the machine. The clock only moves forward and is shared by the whole test
session, so due times are always read relative to ``clock.now()``.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from app.clock import clock
from app.engine import CompiledProcess, Engine, Instance, StepResult, parse_due, parse_untrusted
from app.engine.lint import LintContext, lint_diagram
from app.errors import Invalid
from app.services import handler_catalogue
from handlers import REGISTRY
from tests.stopped_clock import stopped_clock

SHARED = Path(__file__).resolve().parents[3] / "shared"
CORPORA = SHARED / "corpora"
MAX_BYTES = 2 * 1024 * 1024
_ids = itertools.count(1)


def read_manifest(folder: Path) -> list[dict[str, str]]:
    with (folder / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def deploy(path: Path) -> dict[str, CompiledProcess]:
    """Our deploy path: hardened parse, then validate and compile with the product's handler registry
    (refused with exactly the errors ``validate`` reports, as ``deployments.deploy`` does)."""
    raw = path.read_bytes()
    context = LintContext(handler_parameters=handler_catalogue.handler_parameters(REGISTRY))
    report = lint_diagram(parse_untrusted(raw, MAX_BYTES), raw, REGISTRY, context)
    if report.errors:
        raise Invalid("the diagram cannot run", code="invalid_bpmn", details=report.errors)
    return {c.key: c for c in report.compiled}


def refusal(path: Path) -> Invalid:
    """The ``Invalid`` our deploy raises for ``path`` (fails the test if it deploys)."""
    try:
        deployed = deploy(path)
    except Invalid as exc:
        return exc
    raise AssertionError(f"{path.name} deployed ({sorted(deployed)}) but should be refused")


@dataclass
class Run:
    """One instance of a deployed process, persisted and reloaded after every step."""

    process: CompiledProcess
    variables: Mapping[str, Any] = field(default_factory=dict)
    engine: Engine = field(default_factory=lambda: Engine(REGISTRY))
    result: StepResult | None = None

    def __post_init__(self) -> None:
        self.definition_id = next(_ids)
        self.inst: Instance = self.engine.new_instance(
            self.definition_id, self.process.content_hash, self.process.spec_json, self.variables
        )
        self._step(self.inst.run_steps)

    # --- steps ---------------------------------------------------------------------------
    def _step(self, action: Callable[[], StepResult]) -> StepResult:
        self.result = action()
        self.reload()
        return self.result

    def reload(self) -> None:
        """Persist and restore, as the product does between requests; the state must survive intact."""
        state = Engine.dump(self.inst)
        self.inst = self.engine.load(self.definition_id, self.process.content_hash, self.process.spec_json, state)
        assert Engine.dump(self.inst) == state, "state changed in a dump/load round trip"

    def complete(self, ref: str, **data: Any) -> StepResult:
        """Complete the single ready user/manual task whose element id or name is ``ref``."""
        matches = [t for t in self.inst.ready_user_tasks() if ref in (t.element_id, t.name)]
        assert len(matches) == 1, f"{ref!r} is not exactly one ready task: {self.ready_names()}"
        return self._complete(matches[0].id, data)

    def complete_all(self, ref: str, make: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
        """Complete every ready task ``ref`` one by one (multi-instance), data from ``make(task.data)``."""
        done = 0
        while matches := [t for t in self.inst.ready_user_tasks() if ref in (t.element_id, t.name)]:
            self._complete(matches[0].id, make(matches[0].data))
            done += 1
        return done

    def _complete(self, task_id: str, data: Mapping[str, Any]) -> StepResult:
        def act() -> StepResult:
            self.inst.complete_task(task_id, data)
            return self.inst.run_steps()

        return self._step(act)

    def message(self, name: str, payload: Any = None, *, expect_caught: int = 1) -> StepResult:
        caught = self.inst.send_message(name, payload)
        assert caught == expect_caught, f"message {name!r} caught by {caught}, expected {expect_caught}"
        return self._step(self.inst.run_steps)

    def advance(self, seconds: float) -> StepResult:
        """Move the product clock forward by ``seconds`` and run the engine: due timers fire."""
        clock.advance(timedelta(seconds=seconds))
        return self._step(self.inst.run_steps)

    def advance_to_timer(self, element_id: str | None = None) -> StepResult:
        """Move the product clock just past the due time of the pending timer ``element_id``
        (default: the earliest pending one) and run the engine."""
        values = self.timers()
        assert values, "no pending timer"
        due = {key: when for key, value in values.items() if (when := parse_due(value)) is not None}
        if element_id is None:
            element_id = min(due, key=due.__getitem__)
        assert element_id in due, f"no pending timer {element_id} with a due time: {values}"
        when = due[element_id]
        clock.advance_to(when + timedelta(milliseconds=1))
        return self._step(self.inst.run_steps)

    expire_timers = advance_to_timer  # the name corpus_cases_more.py calls

    # --- reading -------------------------------------------------------------------------
    def ready(self) -> list[str]:
        return sorted(t.element_id for t in self.inst.ready_user_tasks())

    def ready_names(self) -> list[str]:
        return sorted(t.name for t in self.inst.ready_user_tasks())

    def timers(self) -> dict[str, Any]:
        return {t["element_id"]: t["value"] for t in self.inst.waiting_timers()}

    def timer_due_in(self, element_id: str) -> float:
        """Seconds from now (the product clock) until the named timer is due."""
        due = parse_due(self.timers()[element_id])
        assert due is not None
        return (due - clock.now()).total_seconds()

    def state_of(self, element_id: str) -> list[str]:
        """Engine states of every task of ``element_id`` (in this workflow and its subprocesses)."""
        wf = self.inst.workflow
        tasks = [*wf.get_tasks(), *(t for sub in wf.subprocesses.values() for t in sub.get_tasks())]
        return sorted(
            {self.inst.task_state(str(t.id)) for t in tasks if (t.task_spec.bpmn_id or t.task_spec.name) == element_id}
        )

    def task_data(self, element_id: str) -> dict[str, Any]:
        """Data of the most recently changed task of ``element_id``."""
        wf = self.inst.workflow
        tasks = [*wf.get_tasks(), *(t for sub in wf.subprocesses.values() for t in sub.get_tasks())]
        mine = [t for t in tasks if t.task_spec.bpmn_id == element_id]
        assert mine, f"no task {element_id}"
        return dict(max(mine, key=lambda t: t.last_state_change).data)

    @property
    def completed(self) -> bool:
        return self.inst.completed

    @property
    def data(self) -> dict[str, Any]:
        return self.inst.variables()

    @property
    def incident(self) -> tuple[str | None, str] | None:
        assert self.result is not None
        i = self.result.incident
        return None if i is None else (i.element_id, i.message)


# --- the per-file expectation table ---------------------------------------------------------
@dataclass(frozen=True)
class Runs:
    """Deploys, and ``check(path)`` runs it on our engine and asserts the MANIFEST's outcome.

    ``deviation`` says where (and why) our asserted outcome differs from the MANIFEST's.
    """

    case: Callable[[Path], None]
    deviation: str = ""

    def check(self, path: Path) -> None:
        """Run the case on a stopped product clock (only the case's own ``advance`` moves it)."""
        with stopped_clock():
            self.case(path)


@dataclass(frozen=True)
class Refused:
    """Our deploy refuses it: ``Invalid`` naming every id in ``element_ids`` with ``reason``."""

    element_ids: tuple[str, ...]
    reason: str
    why: str


def assert_refused(path: Path, case: Refused) -> None:
    exc = refusal(path)
    assert exc.code == "invalid_bpmn", exc.code
    assert exc.details, "a refusal must say why"
    for detail in exc.details:
        assert detail["message"], detail
    named = {d["element_id"]: d["message"] for d in exc.details}
    for element_id in case.element_ids:
        assert element_id in named, f"{element_id} not named in {exc.details}"
        assert case.reason.lower() in named[element_id].lower(), named[element_id]


def file_key(manifest_path: str) -> str:
    return manifest_path.removeprefix("tests/SpiffWorkflow/")

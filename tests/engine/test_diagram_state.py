"""``describe_diagram``: element states, counts and flows taken, read off the engine's task tree
(loops, parallel joins, multi-instance, subprocesses, cancelled instances), with a dump/load
round trip after every step as the product does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.engine.diagram_state import ElementState, describe_diagram, sequence_flows
from tests.diagrams import HEAD, user_task
from tests.engine.corpus_harness import CORPORA, Run, deploy
from tests.stopped_clock import stopped_clock

SPIFF = CORPORA / "spiffworkflow-tests" / "tests" / "SpiffWorkflow" / "bpmn" / "data"


def _run(tmp_path: Path, xml: bytes, key: str, variables: dict[str, Any] | None = None) -> tuple[Run, Any]:
    path = tmp_path / f"{key}.bpmn"
    path.write_bytes(xml)
    return Run(deploy(path)[key], variables or {}), sequence_flows(xml)


def loop(key: str) -> bytes:
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>'
        + user_task("work", "Work")
        + '<bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="gw"/>'
        '<bpmn:exclusiveGateway id="gw" default="f4"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="gw" targetRef="work">'
        "<bpmn:conditionExpression>again</bpmn:conditionExpression></bpmn:sequenceFlow>"
        '<bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def parallel(key: str) -> bytes:
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fork"/><bpmn:parallelGateway id="fork"/>'
        '<bpmn:sequenceFlow id="fa" sourceRef="fork" targetRef="a"/>'
        '<bpmn:sequenceFlow id="fb" sourceRef="fork" targetRef="b"/>'
        + user_task("a", "A")
        + user_task("b", "B")
        + '<bpmn:sequenceFlow id="ja" sourceRef="a" targetRef="join"/>'
        '<bpmn:sequenceFlow id="jb" sourceRef="b" targetRef="join"/><bpmn:parallelGateway id="join"/>'
        '<bpmn:sequenceFlow id="f9" sourceRef="join" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def test_a_loop_counts_each_visit_and_takes_the_chosen_flows(tmp_path: Path) -> None:
    with stopped_clock():
        run, flows = _run(tmp_path, loop("loop"), "loop")
        run.complete("work", again=True)
        d = describe_diagram(run.inst, flows)
        assert d.elements["work"] == ElementState("active", 2)
        assert d.elements["gw"] == ElementState("completed", 1)
        assert d.flows_taken == ["f1", "f2", "f3"]
        run.complete("work", again=False)
        d = describe_diagram(run.inst, flows)
        assert d.elements["work"] == ElementState("completed", 2)
        assert d.elements["gw"] == ElementState("completed", 2)
        assert d.elements["end"] == ElementState("completed", 1)
        assert d.flows_taken == ["f1", "f2", "f3", "f4"]


def test_a_parallel_join_waits_then_counts_once(tmp_path: Path) -> None:
    with stopped_clock():
        run, flows = _run(tmp_path, parallel("fork_join"), "fork_join")
        d = describe_diagram(run.inst, flows)
        assert (d.elements["a"].state, d.elements["b"].state) == ("active", "active")
        assert "join" not in d.elements and d.flows_taken == ["f1", "fa", "fb"]
        run.complete("a")
        d = describe_diagram(run.inst, flows)
        assert d.elements["join"] == ElementState("waiting", 1)  # the token from a waits for b's
        assert d.flows_taken == ["f1", "fa", "fb", "ja"]
        run.complete("b")
        d = describe_diagram(run.inst, flows)
        assert d.elements["join"] == ElementState("completed", 1)
        assert d.flows_taken == ["f1", "f9", "fa", "fb", "ja", "jb"]  # sorted
        assert {e.state for e in d.elements.values()} == {"completed"}


def test_a_multi_instance_task_counts_its_instances() -> None:
    path = SPIFF / "parallel_multiinstance_cardinality.bpmn"
    with stopped_clock():
        run = Run(deploy(path)["main"], {"input_data": [1, 2, 3]})
        d = describe_diagram(run.inst, sequence_flows(path.read_bytes()))
        assert d.elements["any_task"] == ElementState("active", 3)


def test_inside_an_embedded_subprocess_and_after_a_cancel(tmp_path: Path) -> None:
    path = SPIFF / "timer-non-interrupt-boundary.bpmn"  # a user task inside an expanded subprocess
    with stopped_clock():
        run = Run(deploy(path)["NonInterruptTimer"])
        flows = sequence_flows(path.read_bytes())
        d = describe_diagram(run.inst, flows)
        assert d.elements["Activity_0e5qk4z"].state == "active"  # the running subprocess
        assert d.elements["Activity_Work"].state == "active"  # its user task
        assert d.elements["Event_0jyy8ao"].state == "waiting"  # the boundary timer on the subprocess
        run.inst.cancel()
        d = describe_diagram(run.inst, flows)
        assert d.elements["Activity_Work"].state == "cancelled"
        assert d.elements["Activity_0e5qk4z"].state == "cancelled"
        assert "Event_0jyy8ao" not in d.elements  # a timer that never fired is not drawn as cut short
        assert "active" not in {e.state for e in d.elements.values()}


def test_sequence_flows_by_source_and_target() -> None:
    flows = sequence_flows(loop("loop"))
    assert flows == {
        ("start", "work"): ("f1",),
        ("work", "gw"): ("f2",),
        ("gw", "work"): ("f3",),
        ("gw", "end"): ("f4",),
    }

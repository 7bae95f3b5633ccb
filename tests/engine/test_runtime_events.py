"""Runtime additions the corpus showed a need for: messages in and out, fresh event-subprocess data."""

from __future__ import annotations

from app.engine import compile_diagram, parse_untrusted
from handlers import REGISTRY
from tests.diagrams import HEAD
from tests.engine.corpus_harness import Run

# start -> user task 'register' -> user task 'investigate' -> end, plus a non-interrupting
# event subprocess started by message 'customer_called' that opens user task 'call_back'.
CALLED_AGAIN = (
    f'{HEAD}<bpmn:message id="m_called" name="customer_called"/>'
    '<bpmn:process id="called_again" isExecutable="true"><bpmn:startEvent id="start"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="register"/>'
    '<bpmn:userTask id="register"/><bpmn:sequenceFlow id="f2" sourceRef="register" targetRef="investigate"/>'
    '<bpmn:userTask id="investigate"/><bpmn:sequenceFlow id="f3" sourceRef="investigate" targetRef="end"/>'
    '<bpmn:endEvent id="end"/>'
    '<bpmn:subProcess id="on_call" triggeredByEvent="true">'
    '<bpmn:startEvent id="called" isInterrupting="false"><bpmn:messageEventDefinition messageRef="m_called"/>'
    "</bpmn:startEvent>"
    '<bpmn:sequenceFlow id="e1" sourceRef="called" targetRef="call_back"/><bpmn:userTask id="call_back"/>'
    '<bpmn:sequenceFlow id="e2" sourceRef="call_back" targetRef="e_end"/><bpmn:endEvent id="e_end"/>'
    "</bpmn:subProcess></bpmn:process></bpmn:definitions>"
).encode()


def compiled(xml: bytes):  # type: ignore[no-untyped-def]
    [process] = compile_diagram(parse_untrusted(xml, 1 << 20), REGISTRY, xml)
    return process


def test_event_subprocess_sees_the_data_of_when_the_event_fired() -> None:
    run = Run(compiled(CALLED_AGAIN), {"channel": "phone"})
    run.complete("register", customer="Li Lei", severity="C")
    assert run.ready() == ["investigate"]
    run.message("customer_called", {"caller_note": "asked for news"})
    assert run.ready() == ["call_back", "investigate"]
    call_back = next(t for t in run.inst.ready_user_tasks() if t.element_id == "call_back")
    assert call_back.data == {
        "channel": "phone",
        "customer": "Li Lei",
        "severity": "C",
        "caller_note": "asked for news",
    }
    run.complete("call_back")
    run.complete("investigate")
    assert run.completed


def test_send_message_reports_when_nothing_waits() -> None:
    run = Run(compiled(CALLED_AGAIN))
    run.complete("register")
    run.complete("investigate")
    assert run.completed
    assert run.inst.send_message("customer_called", {"x": 1}) == 0

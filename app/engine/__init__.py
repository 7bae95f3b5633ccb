"""The only package that imports SpiffWorkflow.

Public interface:
- ``parse_untrusted(bytes, max_bytes)`` -> hardened lxml tree
- ``parse_untrusted_decisions(bytes)``, ``executable_process_keys``, ``form_keys``, ``calls_decisions``:
  what a deployment bundle reads besides compiling (``bundle_parts``)
- ``parse_untrusted(bytes, max_bytes, document="dmn")`` -> a decision-table document
- ``compile_diagram(tree, handlers, raw, decisions)`` -> ``CompiledProcess`` per executable
  process; business-rule tasks call the decision tables of ``decisions`` (app.engine.decisions);
  call activities call processes of the same file or of other deployed diagrams (``CalledProcess``,
  bound when the caller is deployed; ``call_order``, ``external_calls``: app.engine.call_activities)
- ``Engine(handlers)``: ``new_instance``, ``load``, ``dump``; ``Instance`` exposes
  ``ready_user_tasks``, ``complete_task``, ``run_steps``, ``variables``, ``cancel``,
  ``send_message``, ``waiting_messages``, ``thrown_events``, ``waiting_timers``, ``decide``.
- ``instance_diagram(instance, ...)`` -> ``DiagramState``: per element its state and count, flows taken.
"""

from app.engine.bundle_parts import calls_decisions, executable_process_keys, form_keys, parse_untrusted_decisions
from app.engine.call_activities import CalledProcess, call_order, external_calls
from app.engine.clock_seam import TimerLimits
from app.engine.compiler import CompiledProcess, compile_diagram
from app.engine.decisions import DecisionFailed, decide_alone
from app.engine.diagram_state import DiagramState, ElementState, instance_diagram
from app.engine.runtime import (
    Engine,
    Instance,
    StepResult,
    TaskNotReady,
    ThrownEvent,
    UserTaskView,
)
from app.engine.sandbox import RESERVED_NAMES, ScriptError
from app.engine.script_pool import ScriptLimits
from app.engine.task_facts import EngineIncident, parse_due
from app.engine.xml_input import parse_untrusted

__all__ = [
    "RESERVED_NAMES",
    "CalledProcess",
    "CompiledProcess",
    "DecisionFailed",
    "DiagramState",
    "ElementState",
    "Engine",
    "EngineIncident",
    "Instance",
    "ScriptError",
    "ScriptLimits",
    "StepResult",
    "TaskNotReady",
    "ThrownEvent",
    "TimerLimits",
    "UserTaskView",
    "call_order",
    "calls_decisions",
    "compile_diagram",
    "decide_alone",
    "executable_process_keys",
    "external_calls",
    "form_keys",
    "instance_diagram",
    "parse_due",
    "parse_untrusted",
    "parse_untrusted_decisions",
]

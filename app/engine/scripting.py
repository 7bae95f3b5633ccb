"""The SpiffWorkflow script engine: sandboxed code and service-task dispatch."""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from app.engine import data_codec, sandbox
from app.engine.bounded_code import is_bounded
from app.engine.script_pool import ScriptPool

Handler = Callable[[dict[str, Any]], dict[str, Any]]


# Built-in operations whose effect the product applies after the step, in the same
# transaction (they need the database, so they cannot be pure handlers): the call is
# queued on the workflow and ``Instance.take_effects()`` hands the queue to the product.
EFFECTS = frozenset({"notify", "start_crisis", "check_batch", "decide_recall", "request_facts"})
_OUTBOX = "_product_effects"


class ServiceError(Exception):
    """A service-task handler failed or is unknown."""


class ScriptRunner:
    """Runs diagram code in-process when it is cheap by construction (``bounded_code``), else
    in a script worker with time and memory limits (``script_pool``).

    ``helpers`` are functions of the embedding program (tests, benchmarks) that diagram code
    may call; they cannot cross into a worker, so code naming one runs in this process.
    """

    def __init__(self, pool: ScriptPool, helpers: Mapping[str, Any] | None = None) -> None:
        self.pool = pool
        self.helpers = dict(helpers or {})

    def _in_process(self, source: str, mode: str) -> bool:
        return is_bounded(source, mode) or bool(self.helpers and _names(source) & self.helpers.keys())

    def _extra(self, external_context: dict[str, Any] | None) -> dict[str, Any] | None:
        if not self.helpers:
            return external_context
        return {**self.helpers, **(external_context or {})}

    def evaluate(self, source: str, data: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        if self._in_process(source, "eval"):
            return _contained(sandbox.evaluate, source, data, self._extra(external_context))
        return self.pool.evaluate(source, data, external_context)

    def execute(self, source: str, data: dict[str, Any], external_context: dict[str, Any] | None = None) -> None:
        if not self._in_process(source, "exec"):
            result = self.pool.execute(source, data, external_context)
            data.clear()
            data.update(result)
            return
        before = dict(data)
        _contained(sandbox.execute, source, data, self._extra(external_context))
        changed = {k for k, v in data.items() if k not in before or before[k] is not v}
        try:
            data_codec.check_variables(data, changed)
        except data_codec.UnstorableValue as exc:
            data.clear()
            data.update(before)
            raise sandbox.ScriptError(str(exc)) from None


def _contained(run: Callable[..., Any], *args: Any) -> Any:
    """Nothing but an ``Exception`` leaves diagram code (``SystemExit`` & co. included)."""
    try:
        return run(*args)
    except Exception:
        raise
    except BaseException as exc:  # a diagram must not stop the thread
        raise sandbox.ScriptFailed(f"{type(exc).__name__}: {exc}") from None


@lru_cache(maxsize=4096)
def _names(source: str) -> frozenset[str]:
    try:
        return frozenset(n.id for n in ast.walk(ast.parse(source.strip())) if isinstance(n, ast.Name))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()


class SandboxEnvironment(BasePythonScriptEngineEnvironment):
    """Runs every expression and script through the sandbox (in-process or in a worker)."""

    def __init__(self, handlers: Mapping[str, Handler], runner: ScriptRunner) -> None:
        super().__init__({})
        self.handlers = handlers
        self.runner = runner

    def evaluate(self, expression: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> Any:
        return self.runner.evaluate(expression, context, external_context)

    def execute(self, script: str, context: dict[str, Any], external_context: dict[str, Any] | None = None) -> bool:
        self.runner.execute(script, context, external_context)
        return True

    def call_service(
        self, context: dict[str, Any], operation_name: str = "", operation_params: Any = None, **_: Any
    ) -> str:
        handler = self.handlers.get(operation_name)
        if handler is None:
            raise ServiceError(f"no handler registered for operation '{operation_name}'")
        params = {name: p["value"] for name, p in (operation_params or {}).items()}
        try:
            result = handler(params)
        except BaseException as exc:  # any handler failure becomes an incident
            raise ServiceError(f"{operation_name}: {type(exc).__name__}: {exc}") from exc
        if not isinstance(result, dict):
            raise ServiceError(f"{operation_name} returned {type(result).__name__}, not an object")
        return json.dumps(result, default=str)


class SandboxScriptEngine(PythonScriptEngine):
    """Script engine whose service calls report the real error (3.2 hides it)."""

    def __init__(self, handlers: Mapping[str, Handler], runner: ScriptRunner) -> None:
        super().__init__(environment=SandboxEnvironment(handlers, runner))

    def call_service(self, task: Any, **kwargs: Any) -> str:
        operation = kwargs.get("operation_name", "")
        if operation in EFFECTS:
            params = {name: p["value"] for name, p in (kwargs.get("operation_params") or {}).items()}
            outbox = getattr(task.workflow.top_workflow, _OUTBOX, None)
            if outbox is None:
                outbox = []
                setattr(task.workflow.top_workflow, _OUTBOX, outbox)
            outbox.append({"operation": operation, "params": params, "element_id": task.task_spec.bpmn_id})
            return json.dumps({"queued": True})
        try:
            return self.environment.call_service(task.data, **kwargs)
        except Exception as err:
            raise WorkflowTaskException(str(err), task=task, exception=err) from err

    def execute(self, task: Any, script: str, external_context: Any = None) -> Any:
        try:
            return self.environment.execute(script, task.data, external_context or {})
        except sandbox.ScriptFailed as err:
            raise WorkflowTaskException(f"script failed: {err}", task=task, line_number=err.lineno) from err
        except sandbox.ScriptError as err:
            raise WorkflowTaskException(f"script refused: {err}", task=task, line_number=err.lineno) from err
        except Exception as err:
            raise WorkflowTaskException(
                f"script failed: {type(err).__name__}: {err}",
                task=task,
                exception=err,
                line_number=_script_line(err),
            ) from err

    def validate(self, expression: str) -> None:
        sandbox.compile_expression(expression)


def _script_line(err: BaseException) -> int | None:
    """Line of the diagram script where ``err`` was raised, if it was raised there."""
    tb = err.__traceback__
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<script>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def take_effects(workflow: Any) -> list[dict[str, Any]]:
    """The effects queued by this workflow's service tasks since the last call."""
    outbox: list[dict[str, Any]] = getattr(workflow, _OUTBOX, None) or []
    setattr(workflow, _OUTBOX, [])
    return outbox

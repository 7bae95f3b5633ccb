"""RestrictedPython sandbox for diagram scripts, conditions and expressions.

Diagram code may use: plain expressions and statements, dict/list/str methods,
the builtins below, and the helpers in ``HELPERS``. It may not import, touch
names starting with ``_`` (so no dunder escapes), open files or reach the network.

Helpers available to diagram code (documented for analysts in docs/scripting.md):
``datetime``, ``timedelta`` (the classes), ``now_iso()`` (the product clock, ISO
8601 UTC), ``json_loads``/``json_dumps``.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import lru_cache
from types import CodeType, ModuleType
from typing import Any

from RestrictedPython import compile_restricted_eval, compile_restricted_exec, safe_builtins
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)

from app.clock import utcnow

_EXTRA_BUILTINS = {
    name: obj
    for name, obj in {
        "dict": dict,
        "list": list,
        "set": set,
        "min": min,
        "max": max,
        "sum": sum,
        "any": any,
        "all": all,
        "sorted": sorted,
        "enumerate": enumerate,
        "reversed": reversed,
        "map": map,
        "filter": filter,
    }.items()
}

_INPLACE_OPS: dict[str, Callable[[Any, Any], Any]] = {
    "+=": operator.iadd,
    "-=": operator.isub,
    "*=": operator.imul,
    "/=": operator.itruediv,
    "//=": operator.ifloordiv,
    "%=": operator.imod,
    "**=": operator.ipow,
}


class ScriptError(Exception):
    """Diagram code was refused or failed; ``lineno`` is set when known."""

    def __init__(self, message: str, lineno: int | None = None) -> None:
        super().__init__(message)
        self.lineno = lineno


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    if op not in _INPLACE_OPS:
        raise ScriptError(f"operator {op} is not allowed")
    return _INPLACE_OPS[op](x, y)


def _getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _now_iso() -> str:
    return utcnow().isoformat()


HELPERS: dict[str, Any] = {
    "datetime": datetime,
    "timedelta": timedelta,
    "now_iso": _now_iso,
    "json_loads": json.loads,
    "json_dumps": json.dumps,
}

_BASE_GLOBALS: dict[str, Any] = {
    "__builtins__": {**safe_builtins, **_EXTRA_BUILTINS},
    "__name__": "diagram_script",
    "_getattr_": safer_getattr,
    "_getitem_": _getitem,
    "_getiter_": iter,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    **HELPERS,
}


def _errors_to_exception(errors: tuple[str, ...] | list[str]) -> ScriptError:
    message = "; ".join(errors)
    lineno = None
    if errors and errors[0].startswith("Line "):
        head = errors[0].split(":", 1)[0].removeprefix("Line ").strip()
        lineno = int(head) if head.isdigit() else None
    return ScriptError(message, lineno)


@lru_cache(maxsize=4096)
def compile_expression(source: str) -> CodeType:
    """Compile an expression under RestrictedPython, or raise ScriptError."""
    try:
        result = compile_restricted_eval(source.strip(), "<expression>")
    except SyntaxError as exc:  # RestrictedPython leaves lineno unset: re-raise as our own
        raise ScriptError(f"syntax error: {exc.msg}") from None
    if result.errors or result.code is None:
        raise _errors_to_exception(result.errors)
    return result.code


@lru_cache(maxsize=4096)
def compile_script(source: str) -> CodeType:
    """Compile a script under RestrictedPython, or raise ScriptError."""
    try:
        result = compile_restricted_exec(source, "<script>")
    except SyntaxError as exc:
        raise ScriptError(f"syntax error: {exc.msg}") from None
    if result.errors or result.code is None:
        raise _errors_to_exception(result.errors)
    return result.code


def _is_data(key: str, value: Any) -> bool:
    if key.startswith("_") or key in _BASE_GLOBALS:
        return False
    return not (callable(value) or isinstance(value, ModuleType))


def evaluate(source: str, data: dict[str, Any], extra: dict[str, Any] | None = None) -> Any:
    """Evaluate an expression over ``data`` (read-only use)."""
    scope = {**_BASE_GLOBALS, **(extra or {}), **data}
    return eval(compile_expression(source), scope)  # noqa: S307 - restricted bytecode


def execute(source: str, data: dict[str, Any], extra: dict[str, Any] | None = None) -> None:
    """Run a script over ``data``; assignments and deletions land in ``data``."""
    scope = {**_BASE_GLOBALS, **(extra or {}), **data}
    exec(compile_script(source), scope)  # noqa: S102 - restricted bytecode
    for key in [k for k in data if k not in scope]:
        del data[key]
    for key, value in scope.items():
        if _is_data(key, value) and (extra is None or key not in extra):
            data[key] = value

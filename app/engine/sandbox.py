"""RestrictedPython sandbox for diagram scripts, conditions and expressions.

Diagram code may use: plain expressions and statements, dict/list/str methods,
the builtins below, and the helpers in ``HELPERS``. It may not import, touch
names starting with ``_`` (so no dunder escapes), open files or reach the network.
Refused when compiled (so a diagram using them is refused at deploy): ``import``,
the introspection and code builtins in ``FORBIDDEN_NAMES``, ``type()``/``super()``
calls, and ``str.format``/``format_map`` (format strings reach attributes).

Denial of service: every run gets a budget of ``LOOP_LIMIT`` loop iterations
(``while`` bodies, ``for`` items, comprehension items, ``range`` lengths), and ``**``,
``*`` and ``<<`` refuse results larger than ``MAX_RESULT_BITS`` bits or
``MAX_SEQUENCE_LENGTH`` items. Exhausting them raises ``ScriptError``.

Helpers available to diagram code (documented for analysts in docs/modeling.md):
``datetime``, ``timedelta`` (the classes), ``now_iso()`` (the product clock, ISO
8601 UTC), ``json_loads``/``json_dumps``. ``print`` is accepted and discarded.
"""

from __future__ import annotations

import ast
import json
import operator
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from functools import lru_cache
from types import CodeType, ModuleType
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, safe_builtins
from RestrictedPython.Guards import (
    full_write_guard,
    guarded_iter_unpack_sequence,
    guarded_unpack_sequence,
    safer_getattr,
)
from RestrictedPython.PrintCollector import PrintCollector

from app.business_calendar import end_of_working_day, working_days, working_hours
from app.clock import ClockDatetime, utcnow

LOOP_LIMIT = 1_000_000
MAX_RESULT_BITS = 1_000_000
MAX_SEQUENCE_LENGTH = 10_000_000

FORBIDDEN_NAMES = frozenset(
    {
        "open",
        "eval",
        "exec",
        "compile",
        "globals",
        "locals",
        "vars",
        "dir",
        "getattr",
        "setattr",
        "delattr",
        "breakpoint",
        "input",
        "memoryview",
        "help",
        "exit",
        "quit",
    }
)
FORBIDDEN_CALLS = frozenset({"type", "super", "object", "classmethod", "staticmethod", "property"})
FORBIDDEN_ATTRIBUTES = frozenset({"format", "format_map"})

_EXTRA_BUILTINS = {
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
_GUARDED_BINOPS: dict[type[ast.operator], str] = {ast.Pow: "**", ast.Mult: "*", ast.LShift: "<<"}


class ScriptError(Exception):
    """Diagram code was refused or failed; ``lineno`` is set when known."""

    def __init__(self, message: str, lineno: int | None = None) -> None:
        super().__init__(message)
        self.lineno = lineno


class ScriptFailed(ScriptError):
    """Diagram code ran and failed (raised, or broke a time or memory limit)."""


class _Policy(RestrictingNodeTransformer):
    """RestrictedPython's checks plus ours, and loop/arithmetic guards woven into the code."""

    def visit_Import(self, node: ast.Import) -> Any:
        self.error(node, "import is not allowed")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> Any:
        self.error(node, "import is not allowed")
        return node

    def visit_Name(self, node: ast.Name) -> Any:
        if node.id in FORBIDDEN_NAMES:
            self.error(node, f'"{node.id}" is not allowed in diagram code')
        return super().visit_Name(node)

    def visit_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            self.error(node, f'calling "{node.func.id}" is not allowed in diagram code')
        return super().visit_Call(node)

    def visit_Attribute(self, node: ast.Attribute) -> Any:
        if node.attr in FORBIDDEN_ATTRIBUTES:
            self.error(node, f'".{node.attr}" is not allowed (format strings can reach attributes); use an f-string')
        return super().visit_Attribute(node)

    def visit_While(self, node: ast.While) -> Any:
        node = super().visit_While(node)
        tick = ast.Expr(ast.Call(func=ast.Name("_loop_tick_", ast.Load()), args=[], keywords=[]))
        node.body.insert(0, ast.copy_location(tick, node))
        return node

    def visit_BinOp(self, node: ast.BinOp) -> Any:
        node = super().visit_BinOp(node)
        symbol = _GUARDED_BINOPS.get(type(node.op))
        if symbol is None:
            return node
        call = ast.Call(
            func=ast.Name("_binop_", ast.Load()), args=[ast.Constant(symbol), node.left, node.right], keywords=[]
        )
        return ast.copy_location(call, node)


def _compile(source: str, mode: str, filename: str) -> CodeType:
    try:
        tree: ast.Module | ast.Expression = ast.parse(source, filename, mode)  # type: ignore[assignment]
    except SyntaxError as exc:  # our own type: RestrictedPython-style errors lack lineno
        raise ScriptError(f"syntax error on line {exc.lineno}: {exc.msg}", exc.lineno) from None
    except ValueError as exc:  # e.g. null bytes
        raise ScriptError(f"invalid source: {exc}") from None
    except (RecursionError, MemoryError):
        raise ScriptError("the code is nested too deeply") from None
    errors: list[str] = []
    try:
        _Policy(errors, [], {}).visit(tree)
        if errors:
            raise _errors_to_exception(errors)
        ast.fix_missing_locations(tree)
        return compile(tree, filename, mode)
    except (RecursionError, MemoryError):
        raise ScriptError("the code is nested too deeply") from None


def _check_size(symbol: str, result_bits: float = 0, length: float = 0) -> None:
    if result_bits > MAX_RESULT_BITS or length > MAX_SEQUENCE_LENGTH:
        raise ScriptError(f"'{symbol}' would build a value too large for a diagram script")


def _binop(symbol: str, left: Any, right: Any) -> Any:
    """``**``, ``*`` and ``<<`` with a size check before the work is done."""
    if symbol == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            _check_size(symbol, result_bits=right * abs(left).bit_length())
        return left**right
    if symbol == "<<":
        if isinstance(left, int) and isinstance(right, int):
            _check_size(symbol, result_bits=right + left.bit_length())
        return left << right
    for seq, times in ((left, right), (right, left)):
        if isinstance(seq, str | bytes | list | tuple) and isinstance(times, int):
            _check_size(symbol, length=len(seq) * times)
    return left * right


def _inplacevar(op: str, x: Any, y: Any) -> Any:
    if op not in _INPLACE_OPS:
        raise ScriptError(f"operator {op} is not allowed")
    if op in ("*=", "**="):
        return _binop(op[:-1], x, y)
    return _INPLACE_OPS[op](x, y)


def _getitem(obj: Any, key: Any) -> Any:
    return obj[key]


def _now_iso() -> str:
    return utcnow().isoformat()


class _Budget:
    """Loop iterations left for one run of diagram code."""

    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, amount: int = 1) -> None:
        self.left -= amount
        if self.left < 0:
            raise ScriptError(f"diagram code ran more than {LOOP_LIMIT} loop iterations (endless loop?)")

    def tick(self) -> None:
        self.spend()

    def iterate(self, iterable: Iterable[Any]) -> Iterator[Any]:
        if isinstance(iterable, range):  # paid for when it was built
            yield from iterable
            return
        for item in iterable:
            self.spend()
            yield item

    def range(self, *args: int) -> range:
        result = range(*args)
        self.spend(len(result))
        return result

    def scope(self) -> dict[str, Any]:
        return {"_getiter_": self.iterate, "_loop_tick_": self.tick, "range": self.range}


HELPERS: dict[str, Any] = {
    "datetime": ClockDatetime,
    "timedelta": timedelta,
    "now_iso": _now_iso,
    "json_loads": json.loads,
    "json_dumps": json.dumps,
    "working_days": working_days,
    "working_hours": working_hours,
    "end_of_working_day": end_of_working_day,
}

_BASE_GLOBALS: dict[str, Any] = {
    "__builtins__": {**safe_builtins, **_EXTRA_BUILTINS},
    "__name__": "diagram_script",
    "_getattr_": safer_getattr,
    "_getitem_": _getitem,
    "_write_": full_write_guard,
    "_inplacevar_": _inplacevar,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_print_": PrintCollector,
    "_binop_": _binop,
    **HELPERS,
}
_PER_RUN = frozenset(_Budget(0).scope())
# names diagram code already means something by (helpers, builtins): process data may not take them
RESERVED_NAMES = frozenset(HELPERS) | frozenset(_BASE_GLOBALS["__builtins__"])


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
    return _compile(source.strip(), "eval", "<expression>")


@lru_cache(maxsize=4096)
def compile_script(source: str) -> CodeType:
    """Compile a script under RestrictedPython, or raise ScriptError."""
    return _compile(source, "exec", "<script>")


def _is_data(key: str, value: Any) -> bool:
    if key.startswith("_") or key in _BASE_GLOBALS or key in _PER_RUN:
        return False
    return not (callable(value) or isinstance(value, ModuleType))


def _scope(data: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    return {**_BASE_GLOBALS, **_Budget(LOOP_LIMIT).scope(), **(extra or {}), **data}


def evaluate(source: str, data: dict[str, Any], extra: dict[str, Any] | None = None) -> Any:
    """Evaluate an expression over ``data`` (read-only use)."""
    return eval(compile_expression(source), _scope(data, extra))  # noqa: S307 - restricted bytecode


def execute(source: str, data: dict[str, Any], extra: dict[str, Any] | None = None) -> None:
    """Run a script over ``data``; assignments and deletions land in ``data``."""
    scope = _scope(data, extra)
    exec(compile_script(source), scope)  # noqa: S102 - restricted bytecode
    for key in [k for k in data if k not in scope]:
        del data[key]
    for key, value in scope.items():
        if _is_data(key, value) and (extra is None or key not in extra):
            data[key] = value

"""Which diagram code is cheap by construction, so it may run inside the product's process.

Most diagram code is a gateway condition (``amount <= 500``), a lookup
(``sla["handling_due"]``) or a line that sets a variable (``outcome = "resolved"``). Sending
each to a script worker would cost more than the engine step around it, so code of the shape
below runs in-process (still under RestrictedPython); everything else runs in a worker with
time and memory limits (``app.engine.script_pool``).

Why this shape is bounded: it has no loops, comprehensions, function definitions or calls
other than the functions and methods in ``_FUNCTIONS`` / ``_METHODS``, each of which takes
time and memory linear in its arguments (none takes a count or a width, so none builds a
value larger than its inputs) or, for the product's calendar helpers, is capped by its own
limit (``MAX_WORKING_DAYS``, ``MAX_WORKING_HOURS``). Every node is evaluated at most once, so a run costs at most
(number of nodes) x (size of the data and constants). No ``*``, ``**``, ``<<``, ``%`` or
f-string (each can build a value far larger than its operands from a small number). In a
script, a ``+`` may reuse the result of an earlier one, so a script may have at most
``MAX_SCRIPT_ADDITIONS`` of them: values grow at most 2 ** that many times. The source is
at most ``MAX_SOURCE_CHARS`` long.
"""

from __future__ import annotations

import ast
from functools import lru_cache

MAX_SOURCE_CHARS = 2_000
MAX_SCRIPT_ADDITIONS = 4

_FUNCTIONS = frozenset(
    {
        *("len", "str", "int", "float", "bool", "abs", "min", "max", "any", "all", "sorted"),
        # the product's helpers: constant time, or capped by their own limits (MAX_WORKING_DAYS ...)
        *("now_iso", "working_days", "working_hours", "end_of_working_day", "json_loads", "json_dumps"),
    }
)
_ORDERING = frozenset({"min", "max", "sorted"})
_ORDERING_KEYWORDS = frozenset({"key", "reverse", "default"})
_METHODS = frozenset(
    {
        "get",
        "index",
        "count",
        "keys",
        "values",
        "items",
        "upper",
        "lower",
        "strip",
        "lstrip",
        "rstrip",
        "startswith",
        "endswith",
        "isoformat",
    }
)
_EXPRESSION_NODES = (
    ast.Expression,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Store,
    ast.Del,
    ast.Subscript,
    ast.Slice,
    ast.Compare,
    ast.BoolOp,
    ast.UnaryOp,
    ast.IfExp,
    ast.Tuple,
    ast.List,
    ast.Dict,
    ast.Set,
    ast.cmpop,
    ast.boolop,
    ast.unaryop,
)
_STATEMENT_NODES = (ast.Module, ast.Assign, ast.AugAssign, ast.Expr, ast.If, ast.Pass, ast.Delete)
_SAFE_BINOPS = (ast.Add, ast.Sub, ast.Div, ast.FloorDiv)


@lru_cache(maxsize=4096)
def is_bounded(source: str, mode: str) -> bool:
    """True when ``source`` (mode ``eval`` or ``exec``) has the cheap-by-construction shape."""
    if len(source) > MAX_SOURCE_CHARS:
        return False
    try:
        tree = ast.parse(source.strip() if mode == "eval" else source, mode=mode)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    additions = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp):
            if not isinstance(node.op, _SAFE_BINOPS):
                return False
            additions += isinstance(node.op, ast.Add)
        elif isinstance(node, ast.AugAssign):
            if not isinstance(node.op, ast.Add | ast.Sub) or not isinstance(node.target, ast.Name):
                return False
            additions += 1
        elif isinstance(node, ast.Call):
            if not _safe_call(node):
                return False
        elif isinstance(node, ast.Assign | ast.Delete):
            # only plain names: data changes land when the run succeeds, never half-way
            targets = node.targets
            if not all(_plain_target(t) for t in targets):
                return False
        elif isinstance(node, ast.Dict):
            if any(key is None for key in node.keys):  # {**x}
                return False
        elif isinstance(node, ast.Attribute | ast.operator):
            continue  # attributes only as a checked method call; operators with their BinOp
        elif not isinstance(node, _EXPRESSION_NODES + (_STATEMENT_NODES if mode == "exec" else ())):
            return False
    if mode == "exec" and additions > MAX_SCRIPT_ADDITIONS:
        return False
    return _attributes_are_calls(tree)


def _plain_target(node: ast.expr) -> bool:
    if isinstance(node, ast.Name):
        return True
    return isinstance(node, ast.Tuple | ast.List) and all(isinstance(e, ast.Name) for e in node.elts)


def _safe_call(node: ast.Call) -> bool:
    if any(isinstance(a, ast.Starred) for a in node.args):
        return False
    func = node.func
    if node.keywords and not (
        isinstance(func, ast.Name) and func.id in _ORDERING and all(k.arg in _ORDERING_KEYWORDS for k in node.keywords)
    ):
        return False  # e.g. json_dumps(x, indent=10**9)
    if isinstance(func, ast.Name):
        return func.id in _FUNCTIONS
    return isinstance(func, ast.Attribute) and func.attr in _METHODS


def _attributes_are_calls(tree: ast.AST) -> bool:
    """Every attribute is the method of a call checked by ``_safe_call``."""
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    return all(id(n) in called for n in ast.walk(tree) if isinstance(n, ast.Attribute))

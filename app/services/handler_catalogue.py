"""The service-task handlers a diagram may call, with their parameters (the modeler's picker).

Registered handlers declare themselves in ``handlers`` (``DECLARATIONS``); the built-in effects
``notify`` in ``app.services.notifications``, ``start_crisis`` in ``app.services.crisis_links``,
``check_batch`` and ``decide_recall`` in ``app.services.batch_rules``, ``request_facts`` in
``app.services.fact_requests``. A handler registered without a declaration is listed without
parameters, and ``validate`` does not check its calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.engine.scripting import EFFECTS
from app.services.batch_rules import CHECK_BATCH, DECIDE_RECALL
from app.services.crisis_links import START_CRISIS
from app.services.fact_requests import REQUEST_FACTS
from app.services.notifications import NOTIFY
from handlers import DECLARATIONS
from handlers.catalogue import HandlerDeclaration

_BUILT_IN: dict[str, HandlerDeclaration] = {
    "notify": NOTIFY,
    "start_crisis": START_CRISIS,
    "check_batch": CHECK_BATCH,
    "decide_recall": DECIDE_RECALL,
    "request_facts": REQUEST_FACTS,
}


def declarations(handlers: Mapping[str, Any]) -> dict[str, HandlerDeclaration]:
    """The declaration of every operation a diagram may call that has one, by name."""
    known = {**DECLARATIONS, **_BUILT_IN}
    return {name: known[name] for name in sorted({*handlers, *EFFECTS}) if name in known}


def handler_parameters(handlers: Mapping[str, Any]) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Per declared operation: every parameter name and the required ones (``LintContext``)."""
    return {name: (d.parameter_names(), d.required_names()) for name, d in declarations(handlers).items()}


def catalogue(handlers: Mapping[str, Any], language: str) -> list[dict[str, Any]]:
    """``GET /api/v1/handlers``: every operation, its description and parameters in ``language``."""
    declared = declarations(handlers)
    out = []
    for name in sorted({*handlers, *EFFECTS}):
        item = declared.get(name)
        out.append(
            {
                "name": name,
                "description": _text(item, language) if item else "",
                "parameters": [
                    {"name": p.name, "required": p.required, "type": p.type, "description": _text(p, language)}
                    for p in (item.parameters if item else ())
                ],
                "result": list(item.result) if item else [],
                "declared": item is not None,
            }
        )
    return out


def _text(item: Any, language: str) -> str:
    return str(item.zh if language.startswith("zh") else item.en)

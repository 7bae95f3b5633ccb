"""Service-task handlers for the BPMN processes.

Each handler is a pure function ``(params: dict) -> dict``: ``params`` maps the
service task's parameter ids to their evaluated values and the returned dict is
stored in the task's result variable. Handlers raise ``ValueError`` on bad input.
Each one declares its parameters next to it (``handlers.catalogue``); ``DECLARATIONS``
collects them under the registered names.
"""

from collections.abc import Callable
from typing import Any

from handlers.catalogue import HandlerDeclaration
from handlers.routing import APPROVAL_LEVEL_FOR, ROUTE_BY_SUBJECT, approval_level_for, route_by_subject
from handlers.severity import CLASSIFY_SEVERITY, classify_severity
from handlers.sla import ESCALATE_SEVERITY, SLA_DEADLINES, escalate_severity, sla_deadlines

REGISTRY: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "classify_severity": classify_severity,
    "route_by_subject": route_by_subject,
    "approval_level_for": approval_level_for,
    "sla_deadlines": sla_deadlines,
    "escalate_severity": escalate_severity,
}

DECLARATIONS: dict[str, HandlerDeclaration] = {
    "classify_severity": CLASSIFY_SEVERITY,
    "route_by_subject": ROUTE_BY_SUBJECT,
    "approval_level_for": APPROVAL_LEVEL_FOR,
    "sla_deadlines": SLA_DEADLINES,
    "escalate_severity": ESCALATE_SEVERITY,
}

__all__ = [
    "DECLARATIONS",
    "REGISTRY",
    "approval_level_for",
    "classify_severity",
    "escalate_severity",
    "route_by_subject",
    "sla_deadlines",
]

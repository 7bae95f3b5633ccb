"""Service-task handlers for the BPMN processes.

Each handler is a pure function ``(params: dict) -> dict``: ``params`` maps the
service task's parameter ids to their evaluated values and the returned dict is
stored in the task's result variable. Handlers raise ``ValueError`` on bad input.
"""

from collections.abc import Callable
from typing import Any

from handlers.routing import approval_level_for, route_by_subject
from handlers.severity import classify_severity
from handlers.sla import escalate_severity, sla_deadlines

REGISTRY: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "classify_severity": classify_severity,
    "route_by_subject": route_by_subject,
    "approval_level_for": approval_level_for,
    "sla_deadlines": sla_deadlines,
    "escalate_severity": escalate_severity,
}

__all__ = [
    "REGISTRY",
    "approval_level_for",
    "classify_severity",
    "escalate_severity",
    "route_by_subject",
    "sla_deadlines",
]

"""Service-task handlers for the BPMN processes.

Each handler is a pure function ``(params: dict) -> dict``: ``params`` maps the
service task's parameter ids to their evaluated values and the returned dict is
stored in the task's result variable. Handlers raise ``ValueError`` on bad input.

The rules analysts own (approval authority, severity criteria, handling time per grade,
routing of subjects) are decision tables in processes/*.dmn, not handlers.
"""

from collections.abc import Callable
from typing import Any

from handlers.severity import severity_from_criteria
from handlers.sla import escalate_severity, sla_deadlines

REGISTRY: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "severity_from_criteria": severity_from_criteria,
    "sla_deadlines": sla_deadlines,
    "escalate_severity": escalate_severity,
}

__all__ = [
    "REGISTRY",
    "escalate_severity",
    "severity_from_criteria",
    "sla_deadlines",
]

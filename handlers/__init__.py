"""Service-task handlers for the BPMN processes.

Each handler is a pure function ``(params: dict) -> dict``: ``params`` maps the
service task's parameter ids to their evaluated values and the returned dict is
stored in the task's result variable. Handlers raise ``ValueError`` on bad input.

The rules analysts own (approval authority, severity criteria, handling time per grade,
routing of subjects) are decision tables in processes/*.dmn, not handlers. Each handler
declares its parameters next to it (``handlers.catalogue``); ``DECLARATIONS`` collects them
under the registered names.
"""

from collections.abc import Callable
from typing import Any

from handlers.accountability import (
    ACCOUNTABILITY_PERIOD,
    ACCOUNTABILITY_PROPOSALS,
    accountability_period,
    accountability_proposals,
)
from handlers.appeals import APPEAL_TIME_LIMITS, appeal_time_limits
from handlers.catalogue import HandlerDeclaration
from handlers.severity import SEVERITY_FROM_CRITERIA, severity_from_criteria
from handlers.sla import ESCALATE_SEVERITY, SLA_DEADLINES, escalate_severity, sla_deadlines

REGISTRY: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "severity_from_criteria": severity_from_criteria,
    "sla_deadlines": sla_deadlines,
    "escalate_severity": escalate_severity,
    "appeal_time_limits": appeal_time_limits,
    "accountability_period": accountability_period,
    "accountability_proposals": accountability_proposals,
}

DECLARATIONS: dict[str, HandlerDeclaration] = {
    "severity_from_criteria": SEVERITY_FROM_CRITERIA,
    "sla_deadlines": SLA_DEADLINES,
    "escalate_severity": ESCALATE_SEVERITY,
    "appeal_time_limits": APPEAL_TIME_LIMITS,
    "accountability_period": ACCOUNTABILITY_PERIOD,
    "accountability_proposals": ACCOUNTABILITY_PROPOSALS,
}

__all__ = [
    "DECLARATIONS",
    "REGISTRY",
    "accountability_period",
    "accountability_proposals",
    "appeal_time_limits",
    "escalate_severity",
    "severity_from_criteria",
    "sla_deadlines",
]

"""A simulation run's log: what happened in it, in virtual time, the last ``LOG_LIMIT`` events.

Each event is ``{"at", "kind", "element_id", "message"}`` (``at``: the run's virtual time);
an effect the run would have had is ``kind`` ``would_notify`` with its ``params``, never sent.
"""

from __future__ import annotations

from typing import Any

from app.clock import clock
from app.models import SimulationRun
from app.services.notifications import ROLE_GROUPS

LOG_LIMIT = 200
KINDS = (
    "started",
    "task_ready",
    "task_completed",
    "timer_fired",
    "would_notify",
    "clock_moved",
    "incident",
    "completed",
)


def add(
    run: SimulationRun,
    kind: str,
    *,
    element_id: str | None = None,
    message: str = "",
    params: dict[str, Any] | None = None,
) -> None:
    """Append an event (a new list, so the JSON column is saved), keeping the last ``LOG_LIMIT``."""
    at = run.virtual_now.astimezone(clock.business_tz).isoformat()
    event: dict[str, Any] = {"at": at, "kind": kind, "element_id": element_id, "message": message[:2000]}
    if params:
        event["params"] = params
    run.log = [*(run.log or []), event][-LOG_LIMIT:]


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v]
    return [str(value)]


def effect(run: SimulationRun, queued: dict[str, Any]) -> None:
    """Record an effect a service task queued (``notify``) as what it would have done."""
    params = queued.get("params") or {}
    # the groups the product would write to (the procedures' escalation roles mapped as in production)
    groups = list(dict.fromkeys(ROLE_GROUPS.get(g, g) for g in _names(params.get("groups"))))
    users = _names(params.get("users"))
    kind = str(params.get("kind") or "info")
    title = str(params.get("title") or "")[:400]
    to = ", ".join([*(f"group {g}" for g in groups), *(f"user {u}" for u in users)]) or "nobody"
    add(
        run,
        "would_notify" if queued.get("operation") == "notify" else f"would_{queued.get('operation')}",
        element_id=queued.get("element_id"),
        message=f"would notify {to} ({kind}): {title}",
        params={"groups": groups, "users": users, "kind": kind, "title": title},
    )

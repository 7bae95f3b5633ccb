"""Rights a diagram declares: who may start a process, and whom its tasks may be assigned to.

Starting: a process lists its starters with ``camunda:candidateStarterGroups`` and
``camunda:candidateStarterUsers`` on ``<bpmn:process>``; admins may always start, and a process
that lists nobody may be started by anyone logged in (as in Camunda). Assigning: an assignee
computed by the diagram (``assigneeExpression``, e.g. ``registered_by``) must be an active member
of one of the task's candidate groups, or the task stays with its groups.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import Forbidden
from app.models import ProcessDefinition, User


def may_start(user: User, definition: ProcessDefinition) -> bool:
    """Whether ``user`` may start instances of ``definition``."""
    groups, users = definition.starter_groups or [], definition.starter_users or []
    if user.has_role("admin") or not (groups or users):
        return True
    return user.username in users or bool(set(groups) & set(user.group_keys))


def require_start_right(session: Session, definition: ProcessDefinition, actor: str | None) -> None:
    """Refuse (403) a start by someone the process does not list as a starter."""
    if not (definition.starter_groups or definition.starter_users):
        return
    user = session.scalar(select(User).where(User.username == actor)) if actor else None
    if user is None or not user.active or not may_start(user, definition):
        raise Forbidden(
            f"you may not start '{definition.key}': it is started by "
            + ", ".join([*(definition.starter_groups or []), *(definition.starter_users or [])])
            + " (and admins)",
            code="not_a_starter",
        )


def permitted_assignee(session: Session, assignee: str | None, candidate_groups: list[str]) -> str | None:
    """The computed assignee if they may hold the task: an active member of one of its candidate
    groups (a task without candidate groups keeps whoever the diagram names); otherwise None."""
    if assignee is None or not candidate_groups:
        return assignee
    user = session.scalar(select(User).where(User.username == assignee))
    if user is None or not user.active or not set(candidate_groups) & set(user.group_keys):
        return None
    return assignee

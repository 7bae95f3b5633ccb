"""Confidential cases (employee grievances, rules 6.1 and 6.3): every read is on the record.

Who may see a confidential case is ``visibility``; this module keeps the other half of the
no-retaliation rule: each time someone opens the case or one of its tasks (page or API), a
``confidential_read`` history entry says who, when and what. The entries are part of the
case's history, so HR (who sees every confidential case) and everyone else who may see the case
see who read it; admins' reads are recorded like anyone's.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.models import ProcessInstance, User
from app.services import audit

READ = "confidential_read"


def record_read(session: Session, user: User, model: ProcessInstance, what: str) -> None:
    """Note that ``user`` read ``what`` (``case``, ``task``, ``diagram``) of a confidential case;
    nothing for an ordinary case."""
    if model.confidential:
        audit.record(session, READ, instance_id=model.id, actor=user.username, detail={"read": what})

"""Many waiting instances fast: clone one real instance whose timer waits at a placeholder time.

Used by the timers benchmark and by the multi-process scheduler tests. The template instance is
started through the product (so its state and timer row are real); each clone gets fresh engine
task ids (they are table keys) and its own due time, written into the state and the timer row.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CHUNK = 2_000


def fresh_task_ids(state: str) -> tuple[str, dict[str, str]]:
    """The engine state with every task id replaced by a new one; returns the mapping too."""
    fresh: dict[str, str] = {}
    return _UUID.sub(lambda m: fresh.setdefault(m[0], str(uuid.uuid4())), state), fresh


def clone_waiting_instance(
    session: Session, template_id: int, placeholder: str, dues: Sequence[datetime], *, started_by: str
) -> list[int]:
    """Insert one clone of the template per due time (its timer due then), delete the template;
    returns the new instance ids. The caller commits."""
    from app.models import ProcessInstance, TimerRecord

    model = session.get(ProcessInstance, template_id)
    assert model is not None
    [timer] = session.scalars(select(TimerRecord).where(TimerRecord.instance_id == template_id))
    assert placeholder in model.state_json, "the engine state does not hold the due time verbatim"
    now = datetime.now(UTC)
    ids: list[int] = []
    for start in range(0, len(dues), CHUNK):
        chunk = dues[start : start + CHUNK]
        rows: list[dict[str, Any]] = []
        task_ids: list[str] = []
        for i, due in enumerate(chunk, start):
            state, fresh = fresh_task_ids(model.state_json)
            task_ids.append(fresh[timer.task_id])
            rows.append(
                {
                    "definition_id": model.definition_id,
                    "process_key": model.process_key,
                    "version": model.version,
                    "business_key": f"{started_by.upper()}-{i:06d}",
                    "status": "running",
                    "state_json": state.replace(placeholder, due.isoformat()),
                    "variables": {**model.variables, "wake_at": due.isoformat()},
                    "started_by": started_by,
                    "created_at": now,
                    "updated_at": now,
                    "lock_version": 1,
                }
            )
        new_ids = list(session.scalars(insert(ProcessInstance).returning(ProcessInstance.id), rows))
        session.execute(
            insert(TimerRecord),
            [
                {
                    "instance_id": instance_id,
                    "task_id": task_id,
                    "element_id": timer.element_id,
                    "name": timer.name,
                    "due_at": due,
                    "interrupting": False,
                    "attached_to": None,
                    "status": "pending",
                    "created_at": now,
                }
                for instance_id, task_id, due in zip(new_ids, task_ids, chunk, strict=True)
            ],
        )
        ids += new_ids
    session.delete(model)  # the template (its far-future timer goes with it)
    return ids

"""A ``batch_review`` case for the tests that run every procedure: a batch row to review, the
start record the product would give it, and the quality department's answer."""

from __future__ import annotations

from typing import Any

from app.clock import utcnow
from app.models import ComplaintBatch
from app.runtime import Runtime

REVIEW_START: dict[str, Any] = {"kind": "consumers", "product_name": "纯牛奶", "problem": "mould", "case_count": 6}
REVIEW_ANSWERS: dict[str, dict[str, Any]] = {
    "Task_DecideRecall": {"recall_decided": False, "recall_note": "个别储运问题, 不召回"},
}


def review_start(rt: Runtime) -> dict[str, Any]:
    """A new batch row and the start record of its review."""
    with rt.sessions() as s:
        batch = ComplaintBatch(
            kind="consumers", product_name="纯牛奶", problem="mould", chilled=False, case_count=6, created_at=utcnow()
        )
        s.add(batch)
        s.commit()
        return {**REVIEW_START, "batch_id": batch.id}

"""The batch-complaint rule's figures (shared/domain.md §3, rule 3.7), apart from the queries.

``services/batch_complaints`` counts and links; here are the window, the thresholds, the reason
a linked complaint is raised with, and the two built-in operations the diagrams call (the
handler catalogue lists them).
"""

from __future__ import annotations

from collections.abc import Mapping

from handlers.catalogue import HandlerDeclaration, Parameter

WINDOW_DAYS = 90  # complaints received this many days back count (open or closed)
# criterion: (threshold, threshold for chilled products), in the order they are checked
THRESHOLDS: dict[str, tuple[int, int]] = {
    "same_batch": (30, 60),  # the same batch number
    "plant_date": (50, 100),  # the same plant and production date
    "adjacent_dates": (100, 150),  # the same plant, production dates one day apart at most
    "consumers": (6, 6),  # independent consumers (distinct phones), same production date
}
BATCH_REASON = {"criterion": "batch_complaint", "level": "C"}

CHECK_BATCH = HandlerDeclaration(
    zh="批量性投诉检测: 同批次/同厂同日/相邻日期/6名以上独立消费者同一问题时关联为一批并升级",
    en="Batch check: link complaints about the same problem on one batch, plant and date, adjacent "
    "dates or from 6+ independent consumers, and raise them",
    parameters=(),
    result=("queued",),
)
DECIDE_RECALL = HandlerDeclaration(
    zh="记录召回决定; 召回时关联投诉升为A级并启动一级应急响应",
    en="Record the recall decision; a recall raises the linked complaints to level A and starts a "
    "level-1 crisis response",
    parameters=(
        Parameter("batch_id", "number", True, "批量性投诉编号", "the batch"),
        Parameter("recall", "boolean", True, "是否召回", "recall the product"),
    ),
    result=("queued",),
)


def threshold_reached(counts: Mapping[str, int], chilled: bool) -> str | None:
    """The first criterion whose count reaches its threshold (chilled products have their own)."""
    for kind, (normal, cold) in THRESHOLDS.items():
        if counts.get(kind, 0) >= (cold if chilled else normal):
            return kind
    return None

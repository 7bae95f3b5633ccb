"""The flow every mode drives: the diagram, its start record and the data of each user task.

``processes/complaint_handling.bpmn`` is the product's main flow (``bench.complaint_path``
drives its simplest path). ``bench/bench_flow.bpmn`` is the small stand-in: a cut-down
complaint flow with three user tasks, two business-rule tasks calling the product's decision
tables, a service task and an exclusive gateway, using the product's real forms.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
COMPLAINT_BPMN = ROOT / "processes" / "complaint_handling.bpmn"
COMPLAINT_DOC = ROOT / "docs" / "complaint_handling.md"


@dataclass(frozen=True)
class Flow:
    """A diagram plus the data that drives one instance of it to its end."""

    name: str
    path: Path
    process_key: str
    description: str
    start_variables: dict[str, Any]
    task_data: Callable[[str], dict[str, Any]]
    # Groups a user must be in to act on every task of the path (the bench user gets them all).
    groups: list[str] = field(default_factory=list)
    # What the engine starts with, when the product adds to the start record (bare mode uses it).
    engine_start_variables: dict[str, Any] | None = None
    # Upper bound of user tasks per instance: a flow that loops forever fails loudly.
    max_tasks: int = 40
    # The decision tables (DMN) its business-rule tasks call, deployed with it.
    decisions: tuple[Path, ...] = ()

    def data_for(self, element_id: str) -> dict[str, Any]:
        return self.task_data(element_id)

    @property
    def engine_start(self) -> dict[str, Any]:
        return self.engine_start_variables if self.engine_start_variables is not None else self.start_variables


INTAKE: dict[str, Any] = {
    "channel": "phone",
    "complainant": {"name": "刘女士", "phone": "13800138000", "address": "上海市浦东新区世纪大道 100 号"},
    "description": "买回的酸奶开盖后有异味,孩子喝了一口就吐了。希望退货并给个说法。",
    "product": {
        "name": "原味酸奶 200g",
        "batch_number": "B20240312",
        "quantity": 2,
        "purchase_place": "联华超市",
        "purchase_date": "2024-03-15",
    },
    "customer_request": "refund",
    "claim_amount": 300,
    # a cold-chain (logistics) complaint: its investigation needs no evidence photos, which are
    # attachment ids the bench would have to upload first
    "subject": "logistics",
    "contact_count": 1,
}

_BENCH_TASK_DATA: dict[str, dict[str, Any]] = {
    "confirm_record": {
        "record_confirmed": True,
        "acceptance_decision": "accepted",
        "promised_reply_hours": 24,
    },
    "investigate": {
        "subject": "logistics",
        "root_cause": "冷链运输途中温度超标,批次 B20240312 部分产品变质。",
        "responsibility": "logistics",
        "lab_judgement_needed": False,
    },
    "close_archive": {
        "corrective_action": "退货退款 300 元,致歉。",
        "preventive_action": "加强冷链温度监控,承运商整改。",
        "closing_summary": "客户满意,结案。",
        "records_archived": True,
    },
}


def _bench_task_data(element_id: str) -> dict[str, Any]:
    try:
        return dict(_BENCH_TASK_DATA[element_id])
    except KeyError:
        raise RuntimeError(f"bench flow: no data for user task {element_id!r}") from None


# The facts the severity criteria table reads that INTAKE does not report (the product's start
# form sets them to None for the complaint flow; the small flow has no start form).
_UNREPORTED_FACTS = (
    "forwarded_by",
    "medical_proof",
    "distributor_batch_feedback",
    "written_liability_requested",
    "media_threat",
    "legal_action",
    "health_symptoms",
    "uncooperative",
    "media_exposed",
    "failed_inspection",
    "sued",
)

BENCH_FLOW = Flow(
    name="bench",
    path=BENCH_DIR / "bench_flow.bpmn",
    process_key="bench_complaint",
    description=(
        "bench/bench_flow.bpmn, a cut-down complaint flow: "
        "confirm record (user) → accepted? (gateway) → severity criteria (business rule, "
        "severity_criteria.dmn) → classify severity (service) → route by subject (business rule, "
        "subject_department.dmn) → investigate (user, groups from an expression) → "
        "close and archive (user); 3 user tasks, forms confirm_record/investigate/close_archive"
    ),
    start_variables={**dict.fromkeys(_UNREPORTED_FACTS), **INTAKE},
    task_data=_bench_task_data,
    groups=["cs_agents", "quality", "logistics"],
    max_tasks=3,
    decisions=(ROOT / "processes" / "severity_criteria.dmn", ROOT / "processes" / "subject_department.dmn"),
)


def complaint_flow() -> Flow | None:
    """The product's complaint flow, when it and its driving data are available."""
    if not COMPLAINT_BPMN.is_file():
        return None
    try:
        from bench import complaint_path
    except ImportError:  # the diagram landed but the bench does not know its path yet
        return None
    flow: Flow = complaint_path.flow(COMPLAINT_BPMN)
    return flow


def select_flow(name: str | None = None) -> Flow:
    """``BENCH_FLOW=bench|complaint``; by default the complaint flow when it can be driven."""
    name = name or os.environ.get("BENCH_FLOW") or "auto"
    if name == "bench":
        return BENCH_FLOW
    flow = complaint_flow()
    if flow is not None:
        return flow
    if name == "complaint":
        raise SystemExit("BENCH_FLOW=complaint but processes/complaint_handling.bpmn cannot be driven yet")
    return BENCH_FLOW


def by_name(name: str) -> Flow:
    if name == BENCH_FLOW.name:
        return BENCH_FLOW
    flow = complaint_flow()
    if flow is None or flow.name != name:
        raise SystemExit(f"unknown flow {name!r}")
    return flow

"""How the bench drives ``processes/complaint_handling.bpmn``: its simplest complete path.

Accepted → classified → investigated → solution proposed (300 yuan: a manager approves)
→ approved → customer agrees → implemented → follow-up, satisfied → closed: nine user
tasks, with the service tasks, scripts and gateways between them. The data is that of
``docs/complaint_handling.md`` ("Data to drive each branch"), with a fuller intake record.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.flows import INTAKE, ROOT, Flow


def _engine_start(intake: dict[str, Any]) -> dict[str, Any]:
    """What the product hands the engine at start (``instances.start``): every field of the start
    form, ``None`` when not reported, plus the registration data. The bare engine starts with it."""
    form = json.loads((ROOT / "forms" / "complaint_handling.start.json").read_text(encoding="utf-8"))
    return {
        **dict.fromkeys(form.get("properties", {})),
        **intake,
        "registration_number": "TS20240315-000001",
        "registered_by": "bench",
        "received_at": datetime.now(UTC).isoformat(),  # now: the SLA timers are hours away
    }


def _today() -> str:
    return date.today().isoformat()


_TASK_DATA: dict[str, dict[str, Any]] = {
    "Task_ConfirmRecord": {
        "record_confirmed": True,
        "acceptance_decision": "accepted",
        "promised_reply_hours": 24,
    },
    "Task_ClassifyComplaint": {
        "subject": "logistics",  # cold chain: no evidence photos to upload (attachment ids)
        "severity_grade": "general",
        "classification_note": "冷链物流投诉。",
    },
    "Task_Investigate": {
        "subject": "logistics",
        "root_cause": "冷链运输途中温度超标,批次 B20240312 部分产品变质。",
        "responsibility": "logistics",
        "lab_judgement_needed": False,
    },
    "Task_ProposeSolution": {
        "solution_type": "refund",
        "solution_description": "全额退款并致歉。",
        "compensation_amount": 300,
    },
    "Task_ApproveByManager": {"approval_decision": "approved", "approval_comment": "同意。"},
    "Task_ApproveBySupervisor": {"approval_decision": "approved", "approval_comment": "同意。"},
    "Task_ApproveByDirector": {"approval_decision": "approved", "approval_comment": "同意。"},
    "Task_CustomerAgreement": {"customer_response": "agreed", "customer_feedback": "接受。"},
    "Task_ImplementSolution": {"implemented_on": None, "implementation_note": "已退款 300 元。", "amount_paid": 300},
    "Task_FollowUpVisit": {"visited_on": None, "satisfaction": 5, "satisfied": True},
    "Task_CloseArchive": {
        "corrective_action": "承运商整改冷链温控。",
        "preventive_action": "出库前抽检温度记录。",
        "closing_summary": "客户满意,结案。",
        "records_archived": True,
    },
}


def _task_data(element_id: str) -> dict[str, Any]:
    try:
        data = dict(_TASK_DATA[element_id])
    except KeyError:
        raise RuntimeError(f"complaint flow: the bench has no data for user task {element_id!r}") from None
    for key in ("implemented_on", "visited_on"):
        if key in data:
            data[key] = _today()
    return data


def flow(path: Path) -> Flow:
    return Flow(
        name="complaint",
        path=path,
        process_key="complaint_handling",
        description=(
            "processes/complaint_handling.bpmn, simplest complete path: confirm record → classify → "
            "investigate → propose solution (300 yuan) → manager approval → customer agreement → "
            "implement → follow-up (satisfied) → close and archive; 9 user tasks, 3 service tasks, "
            "scripts and gateways in between; start record = the intake form, every task validated "
            "against its form"
        ),
        start_variables=INTAKE,
        engine_start_variables=_engine_start(INTAKE),
        task_data=_task_data,
        groups=["cs_agents", "cs_supervisors", "quality", "logistics", "managers", "marketing_director"],
        max_tasks=9,
        decisions=tuple(sorted(path.parent.glob("*.dmn"))),
    )

"""Drive a complaint through the API to a given user task (for the task page's tests).

A service-quality complaint (no evidence photos needed, no site visit): confirm, classify,
investigate, propose a 300 yuan compensation (the manager approves up to 500).
"""

from __future__ import annotations

from typing import Any

INTAKE: dict[str, Any] = {
    "channel": "phone",
    "complainant": {"name": "王五", "phone": "13900139000"},
    "description": "客服态度恶劣",
    "subject": "service_quality",
}

# element id -> (who completes it, what they submit)
STEPS: dict[str, tuple[str, dict[str, Any]]] = {
    "Task_ConfirmRecord": (
        "agent",
        {"record_confirmed": True, "acceptance_decision": "accepted", "promised_reply_hours": 24},
    ),
    "Task_ClassifyComplaint": ("supervisor", {"subject": "service_quality", "severity_grade": "general"}),
    "Task_Investigate": (
        "supervisor",
        {
            "subject": "service_quality",
            "root_cause": "值班客服未按规范答复",
            "responsibility": "company",
            "lab_judgement_needed": False,
        },
    ),
    "Task_ProposeSolution": (
        "supervisor",
        {"solution_type": "compensation", "solution_description": "赔偿300元并道歉", "compensation_amount": 300},
    ),
    "Task_ApproveByManager": ("manager", {"approval_decision": "approved", "approval_comment": "同意"}),
}


class Complaint:
    """``Complaint(login).start().to("Task_ApproveByManager")`` -> that task's JSON."""

    def __init__(self, login: Any) -> None:
        self.login = login
        self.id: int | None = None

    def start(self, intake: dict[str, Any] | None = None) -> Complaint:
        body = {"process_key": "complaint_handling", "variables": intake or INTAKE}
        self.id = self.login("agent").post("/process-instances", json=body, expect=201)["id"]
        return self

    def task(self) -> dict[str, Any]:
        [task] = self.login("admin").get(f"/process-instances/{self.id}", expect=200)["tasks"]
        return dict(task)

    def complete(self, data: dict[str, Any] | None = None) -> dict[str, Any]:
        """Complete the ready task as its usual actor (with the usual data unless given)."""
        task = self.task()
        actor, usual = STEPS[task["element_id"]]
        self.login(actor).post(f"/tasks/{task['id']}/complete", json={"data": data or usual}, expect=200)
        return task

    def to(self, element_id: str) -> dict[str, Any]:
        for _ in range(len(STEPS) + 2):
            task = self.task()
            if task["element_id"] == element_id:
                return task
            self.complete()
        raise AssertionError(f"{element_id} never became ready")

"""A driver for ``crisis_response`` through the real HTTP API, on the simulated clock.

``Crisis`` starts a crisis (by hand as a supervisor, or by id when a parent started it through a
call activity), completes its tasks as the demo users of their lanes with the data of the
forms, moves the product clock (``POST /admin/clock`` fires what is due) and reads what
happened. The expectations come from ``docs/crisis_response.md``, written out here rather than
imported from the product.
"""

from __future__ import annotations

from typing import Any

PROCESS = "crisis_response"
DAY = 24 * 3600

REPORT: dict[str, Any] = {
    "summary": "一箱牛奶有异味 顾客已联系电视台 Spoiled milk; the customer called a TV station",
    "media_attention": False,
    "regulator_attention": False,
    "departments_affected": 1,
}

# the answers each task's form accepts, and the demo user of its lane who gives them
TASKS: dict[str, tuple[str, dict[str, Any]]] = {
    "Task_FormTaskForce": (
        "gm",
        {
            "leader": "冯总 Feng",
            "members": ["supervisor", "quality", "pr"],
            "departments": ["cs_supervisors", "quality"],
        },
    ),
    "Task_Investigate": ("supervisor", {"findings": "批次封口不严", "responsibility": "company"}),
    "Task_DesignSolution": ("supervisor", {"solution": "退货并赔偿", "compensation_amount": 2000}),
    "Task_ApologiseNegotiate": (
        "supervisor",
        {"apology_made": True, "customer_agreed": True, "negotiation_note": "客户接受"},
    ),
    "Task_Implement": ("supervisor", {"implemented_on": "2026-01-02", "implementation_note": "已赔付并回收"}),
    "Task_ProgressReport": ("supervisor", {"progress": "回收进行中", "percent_done": 50}),
    "Task_MediaStatement": ("pr", {"statement": "我们已启动调查并致歉", "channels": ["website", "press"]}),
    "Task_LegalAssessment": ("pr", {"legal_risk": "medium", "assessment": "可和解"}),
    "Task_TrackEvaluate": ("supervisor", {"evaluation": "处理有效", "effective": True}),
    "Task_RoutineHandling": ("supervisor", {"handling": "已退货", "apology_made": True}),
}

LEVEL_1_MAIN = ("Task_Investigate", "Task_DesignSolution", "Task_ApologiseNegotiate")


class Crisis:
    """One crisis instance (``instance_id``: a parent's instance that runs it in a call activity)."""

    def __init__(self, login: Any, report: dict[str, Any] | None = None, *, instance_id: int | None = None) -> None:
        self.login = login
        self.admin = login("admin")
        if instance_id is None:
            body = {"process_key": PROCESS, "variables": {**REPORT, **(report or {})}}
            instance_id = login("supervisor").post("/process-instances", json=body, expect=201)["id"]
        self.id: int = instance_id

    # --- reading --------------------------------------------------------------------------
    def instance(self) -> dict[str, Any]:
        inst: dict[str, Any] = self.admin.get(f"/process-instances/{self.id}", expect=200)
        return inst

    def ready(self) -> list[str]:
        """Element ids of the open tasks, sorted."""
        return sorted(t["element_id"] for t in self.instance()["tasks"] if t["state"] != "completed")

    def task(self, element_id: str) -> dict[str, Any]:
        found = [t for t in self.instance()["tasks"] if t["element_id"] == element_id and t["state"] != "completed"]
        assert found, f"{element_id} is not open; open: {self.ready()}"
        return found[0]

    def history(self, kind: str) -> list[str]:
        return [h["element_id"] for h in self.instance()["history"] if h["type"] == kind]

    def sent(self, element_id: str) -> list[dict[str, Any]]:
        return [
            h["detail"]
            for h in self.instance()["history"]
            if h["type"] == "notification_sent" and h["element_id"] == element_id
        ]

    # --- acting ---------------------------------------------------------------------------
    def complete(self, element_id: str, data: dict[str, Any] | None = None, user: str | None = None) -> Any:
        actor, answer = TASKS[element_id]
        task = self.task(element_id)
        return self.login(user or actor).post(
            f"/tasks/{task['id']}/complete", json={"data": {**answer, **(data or {})}}, expect=200
        )

    def complete_all(self, *element_ids: str) -> None:
        for element_id in element_ids:
            self.complete(element_id)

    def advance(self, seconds: float) -> None:
        self.admin.post("/admin/clock", json={"advance_seconds": seconds}, expect=200)

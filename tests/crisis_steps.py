"""A driver for ``crisis_response`` through the real HTTP API, on the simulated clock.

``Crisis`` starts a crisis (by hand as a supervisor, or by id when a parent started it through a
call activity), completes its tasks as the demo users of their lanes with the data of the
forms, moves the product clock (``POST /admin/clock`` fires what is due) and reads what
happened. The expectations come from ``docs/crisis_response.md``, written out here rather than
imported from the product.
"""

from __future__ import annotations

from typing import Any

from tests.case_reading import CaseReading
from tests.diagrams import HEAD, user_task

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


class Crisis(CaseReading):
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


# --- a test-only parent of another diagram calling the crisis -------------------------------
PARENT = "crisis_parent_test"
FACTS: dict[str, Any] = {
    "summary": "门店投诉升级为危机 A store complaint became a crisis",
    "complaint_level": "C",
    "media_attention": False,
    "regulator_attention": False,
    "departments_affected": 1,
    "emergency_level": None,
}


def parent_diagram() -> bytes:
    """start -> Register (cs_agents) -> call crisis_response -> Close (cs_agents) -> end."""
    return (
        f'{HEAD}<bpmn:process id="{PARENT}" name="Crisis parent" isExecutable="true">'
        '<bpmn:laneSet id="ls"><bpmn:lane id="lane_a" name="cs_agents"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>'
        "<bpmn:flowNodeRef>Task_Register</bpmn:flowNodeRef><bpmn:flowNodeRef>Call_Crisis</bpmn:flowNodeRef>"
        "<bpmn:flowNodeRef>Task_Close</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>"
        '</bpmn:laneSet><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="Task_Register"/>'
        + user_task("Task_Register", "Register")
        + '<bpmn:sequenceFlow id="f2" sourceRef="Task_Register" targetRef="Call_Crisis"/>'
        '<bpmn:callActivity id="Call_Crisis" name="危机处理 Crisis response" calledElement="crisis_response"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="Call_Crisis" targetRef="Task_Close"/>'
        + user_task("Task_Close", "Close")
        + '<bpmn:sequenceFlow id="f4" sourceRef="Task_Close" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>'
    ).encode()


def start_parent(login: Any, facts: dict[str, Any]) -> Crisis:
    agent = login("agent")
    inst = agent.post("/process-instances", json={"process_key": PARENT, "variables": {}}, expect=201)
    crisis = Crisis(login, instance_id=inst["id"])
    [register] = [t for t in crisis.instance()["tasks"] if t["element_id"] == "Task_Register"]
    agent.post(f"/tasks/{register['id']}/complete", json={"data": facts}, expect=200)
    return crisis

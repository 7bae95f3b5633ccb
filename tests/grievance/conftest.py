"""A driver for ``employee_grievance`` through the real HTTP API, on the simulated clock.

``Grievance`` files a grievance as an employee (a demo user), completes its tasks as the user
each step belongs to (HR's representative, the person it was forwarded to, the employee, the
general manager), moves the product clock (``POST /admin/clock`` fires what is due) and reads
what happened from the instance as HR sees it (HR sees every confidential case). Expectations
come from ``docs/employee_grievance.md`` and are written out here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from app.business_calendar import default_calendar
from tests.case_reading import CaseReading

PROCESS = "employee_grievance"
FILING = {"subject": "treatment", "description": "主管在例会上当众辱骂我", "desired_outcome": "公开道歉"}
ANSWER = {"decision": "answer", "answer_text": "已与主管谈话 主管将当面道歉"}
FORWARD = {"decision": "forward", "handler": "production"}
TASK_DATA: dict[str, dict[str, Any]] = {
    "Task_DepartmentReply": {"reply_text": "已调查 主管将当面道歉"},
    "Task_WrittenAnswer": {"written_answer": "书面答复 调查结论与处理意见"},
    "Task_GmAnswer": {"gm_answer": "总经理答复 调岗并书面警告"},
}
SATISFIED = {"satisfied": True}
NOT_SATISFIED = {"satisfied": False, "dissatisfaction_reason": "道歉没有发生"}
ACCEPT = {"response": "satisfied"}
APPEAL = {"response": "appeal", "appeal_reason": "处理太轻"}
# each step's answer down the longest path (answered, not satisfied, appealed): tests/api walks it
LONGEST_PATH = {
    "Task_Acknowledge": ANSWER,
    "Task_EmployeeResponse": NOT_SATISFIED,
    "Task_AppealDecision": APPEAL,
    **TASK_DATA,
}


class Grievance(CaseReading):
    """One grievance filed by ``employee`` (default: the sales demo user)."""

    def __init__(self, login: Any, employee: str = "sales", filing: dict[str, Any] | None = None) -> None:
        self.login = login
        self.employee = employee
        self.hr = login("hr")
        self.admin = login("admin")
        created = login(employee).post(
            "/process-instances", json={"process_key": PROCESS, "variables": filing or FILING}, expect=201
        )
        self.id: int = created["id"]
        self.business_key: str = created["business_key"]
        self.created_at = datetime.fromisoformat(self.instance()["created_at"])

    # --- reading (as HR) ------------------------------------------------------------------
    def instance(self) -> dict[str, Any]:
        inst: dict[str, Any] = self.hr.get(f"/process-instances/{self.id}", expect=200)
        return inst

    def history(self, type_: str) -> list[dict[str, Any]]:
        return [h for h in self.instance()["history"] if h["type"] == type_]

    def timers(self) -> dict[str, datetime]:
        return {t["element_id"]: datetime.fromisoformat(t["due_at"]) for t in self.instance()["timers"]}

    # --- acting ---------------------------------------------------------------------------
    def complete(self, element_id: str, data: dict[str, Any] | None = None, *, user: str) -> None:
        task = self.task(element_id)
        body = {**TASK_DATA.get(element_id, {}), **(data or {})}
        self.login(user).post(f"/tasks/{task['id']}/complete", json={"data": body}, expect=200)

    def forward(self) -> None:
        """HR forwards it to ``production`` (the handler)."""
        self.complete("Task_Acknowledge", FORWARD, user="hr")

    def to_written_answer(self) -> None:
        """Answered by HR, the employee not satisfied: ends with Task_WrittenAnswer ready."""
        self.complete("Task_Acknowledge", ANSWER, user="hr")
        self.complete("Task_EmployeeResponse", NOT_SATISFIED, user=self.employee)
        self.task("Task_WrittenAnswer")

    def to_appeal_decision(self) -> None:
        self.to_written_answer()
        self.complete("Task_WrittenAnswer", user="hr")
        self.task("Task_AppealDecision")

    def advance_to(self, moment: datetime) -> None:
        self.admin.post("/admin/clock", json={"now": moment.isoformat()}, expect=200)

    def now(self) -> datetime:
        return datetime.fromisoformat(self.admin.get("/admin/clock", expect=200)["now"])

    def working_days(self, n: int, start: datetime | None = None) -> datetime:
        return default_calendar().add_working_days(start or self.created_at, n)


MINUTE = timedelta(minutes=1)


def about(moment: datetime, expected: datetime) -> bool:
    """The simulated clock runs on between our reading and the product's: a few seconds apart."""
    return abs(moment - expected) < timedelta(seconds=5)


@pytest.fixture
def grievance(login: Any) -> Any:
    """``grievance(employee="sales", filing=None)`` -> a new ``Grievance``."""

    def _make(employee: str = "sales", filing: dict[str, Any] | None = None) -> Grievance:
        return Grievance(login, employee, filing)

    return _make

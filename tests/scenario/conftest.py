"""A driver for the ``complaint_handling`` process, through the real HTTP API.

``ComplaintRun`` starts a complaint as the registering agent, then repeatedly takes the single
ready user task of the instance, checks who may act on it (candidate groups, assignee, lane,
who sees it in ``GET /tasks`` and who gets 403 completing it), completes it as the right demo
user with the branch's data and records the element ids. ``assert_completed`` then checks the
end state: status, variables and history. Expectations come from ``docs/complaint_handling.md``
and are written out here rather than imported from the product.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.evidence import UPLOADED_PHOTO, cite_uploads, upload_photo

PROCESS = "complaint_handling"
START_FORM = Path(__file__).resolve().parents[2] / "forms" / "complaint_handling.start.json"
START_FIELDS: list[str] = list(json.loads(START_FORM.read_text(encoding="utf-8"))["properties"])

INTAKE: dict[str, Any] = {
    "channel": "phone",
    "complainant": {"name": "张三", "phone": "13800138000"},
    "description": "牛奶有异味",
}

APPROVAL = {"approval_decision": "approved", "approval_comment": "同意"}
TASK_DATA: dict[str, dict[str, Any]] = {
    "Task_ConfirmRecord": {"record_confirmed": True, "acceptance_decision": "accepted", "promised_reply_hours": 24},
    "Task_AcknowledgeHandover": {"handover_acknowledged": True},
    "Task_ExplainRejection": {"rejection_reason": "duplicate", "rejection_explanation": "已有相同投诉在处理"},
    "Task_ClassifyComplaint": {"subject": "product_quality", "severity_grade": "general"},
    "Task_SiteVisit": {"visited_on": "2026-01-03", "visit_findings": "客户所述属实"},
    "Task_Investigate": {
        "subject": "product_quality",
        "root_cause": "封口不严",
        "evidence_photos": [UPLOADED_PHOTO],  # an attachment of the case, uploaded when needed
        "responsibility": "company",
        "lab_judgement_needed": False,
    },
    "Task_ProposeSolution": {
        "solution_type": "compensation",
        "solution_description": "赔偿",
        "compensation_amount": 300,
    },
    "Task_ApproveByManager": APPROVAL,
    "Task_ApproveBySupervisor": APPROVAL,
    "Task_ApproveByDirector": APPROVAL,
    "Task_ApproveByGM": APPROVAL,
    "Task_CustomerAgreement": {"customer_response": "agreed"},
    "Task_EscalationReview": {"escalation_decision": "revise_solution", "review_note": "重新评估"},
    "Task_ImplementSolution": {"implemented_on": "2026-01-02", "implementation_note": "已赔付"},
    "Task_FollowUpVisit": {"visited_on": "2026-01-05", "satisfaction": 5, "satisfied": True},
    "Task_CloseArchive": {"corrective_action": "更换封口机", "preventive_action": "加强抽检", "records_archived": True},
    "Task_LabJudgement": {
        "lab_sent_on": "2026-01-02",
        "lab_name": "省乳品质量检测中心",
        "lab_result": "菌落总数超标",
        "lab_cost": 800,
        "lab_cost_borne_by_company": True,
    },
    "Task_ExternalReview": {
        "external_review_outcome": "customer_upheld",
        "external_review_decided_on": "2026-01-04",
        "external_review_result": "消协调解 建议提高赔偿",
    },
    "Task_ExtortionReview": {
        "extortion_decision": "genuine",
        "extortion_review_note": "有购买凭证 诉求合理",
        "legal_referral": False,
    },
}

ROUTING = {
    "product_quality": "quality",
    "service_quality": "cs_supervisors",
    "contract_dispute": "sales",
    "sales": "sales",
    "after_sales": "aftersales",
    "logistics": "logistics",
    "other": "cs_supervisors",
}

# Subjects whose complaints get a salesperson's site visit (Task_SiteVisit) before the investigation.
SITE_VISIT_SUBJECTS = frozenset({"sales", "after_sales"})

# Customer-contact tasks follow the first-responder rule: assigned to ``registered_by``.
CUSTOMER_CONTACT = frozenset(
    {"Task_ConfirmRecord", "Task_ExplainRejection", "Task_CustomerAgreement", "Task_FollowUpVisit"}
)
# Their candidate group is the responsible department, ``routing["responsible_group"]``.
DEPARTMENT_TASKS = frozenset(
    {
        "Task_AcknowledgeHandover",
        "Task_Investigate",
        "Task_LabJudgement",
        "Task_ProposeSolution",
        "Task_ImplementSolution",
    }
)
STATIC_GROUPS: dict[str, list[str]] = {
    "Task_ConfirmRecord": ["cs_agents"],
    "Task_ExplainRejection": ["cs_agents"],
    "Task_ClassifyComplaint": ["cs_supervisors", "cs_agents"],
    "Task_SiteVisit": ["sales"],
    "Task_ApproveByManager": ["managers"],
    "Task_ApproveBySupervisor": ["cs_supervisors"],
    "Task_ApproveByDirector": ["marketing_director"],
    "Task_ApproveByGM": ["general_manager"],
    "Task_CustomerAgreement": ["cs_agents"],
    "Task_EscalationReview": ["marketing_director"],
    "Task_FollowUpVisit": ["cs_agents"],
    "Task_CloseArchive": ["cs_supervisors"],
    "Task_ExtortionReview": ["cs_supervisors"],
    "Task_ExternalReview": ["marketing_director"],
}
LANES: dict[str, str] = {
    "Task_ConfirmRecord": "cs_agents",
    "Task_ExplainRejection": "cs_agents",
    "Task_ClassifyComplaint": "cs_supervisors",
    "Task_AcknowledgeHandover": "departments",
    "Task_SiteVisit": "sales",
    "Task_Investigate": "departments",
    "Task_ProposeSolution": "departments",
    "Task_ApproveByManager": "managers",
    "Task_ApproveBySupervisor": "cs_supervisors",
    "Task_ApproveByDirector": "marketing_director",
    "Task_ApproveByGM": "marketing_director",  # drawn with the director; its group is general_manager
    "Task_CustomerAgreement": "cs_agents",
    "Task_EscalationReview": "marketing_director",
    "Task_ImplementSolution": "departments",
    "Task_FollowUpVisit": "cs_agents",
    "Task_CloseArchive": "cs_supervisors",
    "Task_ExtortionReview": "cs_supervisors",
    "Task_LabJudgement": "departments",
    "Task_ExternalReview": "marketing_director",
}

# The demo directory (api-contract.md): the groups of each demo user.
GROUPS_OF: dict[str, list[str]] = {
    "agent": ["cs_agents"],
    "agent2": ["cs_agents"],
    "supervisor": ["cs_supervisors"],
    "quality": ["quality"],
    "sales": ["sales"],
    "aftersales": ["aftersales"],
    "logistics": ["logistics"],
    "manager": ["managers", "regional_managers"],
    "director": ["marketing_director"],
    "gm": ["general_manager"],
    "pr": ["pr_legal"],
    "hr": ["hr"],
}
# Who completes a group task: the first candidate group's demo user.
USER_OF_GROUP = {
    "cs_agents": "agent",
    "cs_supervisors": "supervisor",
    "quality": "quality",
    "sales": "sales",
    "aftersales": "aftersales",
    "logistics": "logistics",
    "managers": "manager",
    "marketing_director": "director",
    "general_manager": "gm",
}
# Who must NOT be able to act: the first of these outside every candidate group (so a
# manager tries the supervisor's and director's approvals, a department user a cs task).
OUTSIDERS = ("manager", "logistics", "quality", "hr")


def T(*names: str) -> list[str]:
    """``T("ConfirmRecord", "ClassifyComplaint")`` -> the user-task element ids."""
    return [f"Task_{n}" for n in names]


# The happy path up to the approval, and from the customer's agreement to the end (a complaint
# handed over to another department than customer service is acknowledged first, rule 2.4).
HEAD = T("ConfirmRecord", "ClassifyComplaint", "AcknowledgeHandover", "Investigate", "ProposeSolution")
HEAD_WITH_SITE_VISIT = T(
    "ConfirmRecord", "ClassifyComplaint", "AcknowledgeHandover", "SiteVisit", "Investigate", "ProposeSolution"
)
HEAD_WITHOUT_HANDOVER = T("ConfirmRecord", "ClassifyComplaint", "Investigate", "ProposeSolution")


def head_for(subject: str) -> list[str]:
    """The happy path up to the approval for a complaint classified with ``subject``."""
    if ROUTING[subject] == "cs_supervisors":
        return HEAD_WITHOUT_HANDOVER
    return HEAD_WITH_SITE_VISIT if subject in SITE_VISIT_SUBJECTS else HEAD


TAIL = T("CustomerAgreement", "ImplementSolution", "FollowUpVisit", "CloseArchive")

APPROVED_BY_MANAGER = {"approver_group": "managers", "limit": 500}
APPROVED_BY_SUPERVISOR = {"approver_group": "cs_supervisors", "limit": 1000}
APPROVED_BY_DIRECTOR = {"approver_group": "marketing_director", "limit": 10000}
APPROVED_BY_GM = {"approver_group": "general_manager", "limit": None}


@dataclass
class Step:
    element_id: str
    task_id: str
    actor: str
    candidate_groups: list[str]
    assignee: str | None
    data: dict[str, Any]


class ComplaintRun:
    """One complaint driven through the API.

    ``overrides`` maps an element id to the fields to change in its default data, either one
    dict for every visit or a list with one dict per visit (later visits use the defaults).
    """

    def __init__(
        self,
        login: Any,
        intake: dict[str, Any] | None = None,
        *,
        registrar: str = "agent",
        overrides: dict[str, dict[str, Any] | list[dict[str, Any]]] | None = None,
    ) -> None:
        self.login = login
        self.intake = dict(INTAKE if intake is None else intake)
        self.registrar = registrar
        self.overrides = overrides or {}
        self.steps: list[Step] = []
        self.visits: Counter[str] = Counter()
        self.subject: str | None = None
        self.submitted: dict[str, Any] = {}
        self.instance_id: int | None = None
        self.business_key: str | None = None
        self._evidence_id: str | None = None

    # --- API helpers -------------------------------------------------------------------
    def start(self) -> dict[str, Any]:
        body = {"process_key": PROCESS, "variables": self.intake}
        created = self.login(self.registrar).post("/process-instances", json=body, expect=201)
        assert (created["process_key"], created["status"]) == (PROCESS, "running")
        self.instance_id, self.business_key = created["id"], created["business_key"]
        return created

    def instance(self, user: str | None = None) -> dict[str, Any]:
        inst: dict[str, Any] = self.login(user or self.registrar).get(
            f"/process-instances/{self.instance_id}", expect=200
        )
        return inst

    def inbox(self, user: str, scope: str | None = None) -> list[str]:
        query = f"/tasks?instance_id={self.instance_id}" + (f"&scope={scope}" if scope else "")
        return [t["id"] for t in self.login(user).get(query, expect=200)]

    def ready_task(self) -> dict[str, Any] | None:
        tasks = self.instance()["tasks"]
        assert len(tasks) <= 1, f"expected one ready task, got {[t['element_id'] for t in tasks]}"
        return tasks[0] if tasks else None

    # --- expectations ------------------------------------------------------------------
    def expected_groups(self, element_id: str) -> list[str]:
        if element_id in DEPARTMENT_TASKS:
            assert self.subject is not None, f"{element_id} before the classification"
            return [ROUTING[self.subject]]
        return STATIC_GROUPS[element_id]

    def expected_assignee(self, element_id: str) -> str | None:
        return self.registrar if element_id in CUSTOMER_CONTACT else None

    def data_for(self, element_id: str) -> dict[str, Any]:
        data = dict(TASK_DATA[element_id])
        if element_id == "Task_Investigate":
            data["subject"] = self.subject  # read-only, prefilled from the classification
        override = self.overrides.get(element_id) or {}
        if isinstance(override, list):
            n = self.visits[element_id]
            override = override[n] if n < len(override) else {}
        data.update(override)
        if element_id == "Task_ClassifyComplaint" and data.get("subject") == "sales":
            data.setdefault("sales_complaint_source", "external")  # required for sales complaints
        return cite_uploads(data, self.evidence_id)

    def evidence_id(self) -> str:
        """The id of a photo uploaded to this case (once per run, by the registering agent)."""
        if self._evidence_id is None:
            assert self.instance_id is not None
            self._evidence_id = upload_photo(self.login(self.registrar), self.instance_id)
        return self._evidence_id

    def check_who_may_act(self, task: dict[str, Any]) -> str:
        """Check the task's groups/assignee and who sees and may complete it; return the actor."""
        element = task["element_id"]
        groups = self.expected_groups(element)
        assignee = self.expected_assignee(element)
        assert task["candidate_groups"] == groups, f"{element}: candidate groups {task['candidate_groups']}"
        assert task["assignee"] == assignee, f"{element}: assignee {task['assignee']}"
        assert task["lane"] == LANES[element], f"{element}: lane {task['lane']}"
        assert task["process_key"] == PROCESS and task["instance_id"] == self.instance_id
        actor = assignee or USER_OF_GROUP[groups[0]]
        assert task["id"] in self.inbox(actor), f"{actor} does not see {element} in GET /tasks"
        refused = [next(u for u in OUTSIDERS if not set(GROUPS_OF[u]) & set(groups))]
        if assignee is not None:  # first responder: a colleague of the same group may not act
            refused.append(next(u for u in ("agent", "agent2") if u != assignee))
        for user in refused:
            assert task["id"] not in self.inbox(user), f"{user} sees {element} in GET /tasks"
            body = {"data": self.data_for(element)}
            err = self.login(user).post(f"/tasks/{task['id']}/complete", json=body, expect=403)
            assert err["error"]["code"] == "not_your_task", f"{user} completing {element}: {err}"
        return actor

    # --- driving -----------------------------------------------------------------------
    def complete(
        self, task: dict[str, Any], *, actor: str | None = None, data: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        element = task["element_id"]
        checked_actor = self.check_who_may_act(task)
        actor = actor or checked_actor
        data = self.data_for(element) if data is None else data
        inst: dict[str, Any] = self.login(actor).post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=200)[
            "instance"
        ]
        assert inst["id"] == self.instance_id
        self.visits[element] += 1
        if element == "Task_ClassifyComplaint":
            self.subject = data["subject"]
        self.steps.append(Step(element, task["id"], actor, task["candidate_groups"], task["assignee"], data))
        self.submitted.update(data)
        return inst

    def drive(self, until: str | None = None, max_steps: int = 40) -> dict[str, Any] | None:
        """Complete ready tasks until ``until`` is ready (returned) or the instance ends (None)."""
        if self.instance_id is None:
            self.start()
        for _ in range(max_steps):
            task = self.ready_task()
            if task is None:
                assert until is None, f"{until} never became ready; tasks done: {self.order}"
                return None
            if task["element_id"] == until:
                return task
            self.complete(task)
        raise AssertionError(f"still running after {max_steps} tasks: {self.order}")

    @property
    def order(self) -> list[str]:
        return [s.element_id for s in self.steps]

    # --- end state ---------------------------------------------------------------------
    def assert_completed(
        self,
        *,
        order: list[str],
        outcome: str,
        reopen_count: int = 0,
        approval_level: dict[str, Any] | None = None,
        severity_level: str = "E",
    ) -> dict[str, Any]:
        assert self.order == order
        inst = self.instance()
        assert inst["status"] == "completed", inst["status"]
        assert inst["tasks"] == [] and inst["business_key"] == self.business_key and inst["ended_at"]
        v = inst["variables"]
        assert v["outcome"] == outcome
        assert v["reopen_count"] == reopen_count
        assert v["severity"]["level"] == severity_level
        if self.subject is None:  # rejected before the classification
            assert v.get("routing") is None and v.get("approval_level") is None
        else:
            assert v["routing"] == {"responsible_group": ROUTING[self.subject]}
            assert v["approval_level"] == approval_level
        assert v["registration_number"] == self.business_key and self.business_key.startswith("TS")
        assert v["registered_by"] == self.registrar
        for name in START_FIELDS:
            if name != "received_at" and name not in self.submitted:  # the classification sets subject
                assert v[name] == self.intake.get(name), f"intake field {name}: {v.get(name)!r}"
        for name, value in self.submitted.items():
            assert v[name] == value, f"submitted field {name}: {v.get(name)!r} != {value!r}"
        self.assert_history(inst["history"])
        return inst

    def assert_history(self, history: list[dict[str, Any]]) -> None:
        types = [h["type"] for h in history]
        assert types[0] == "instance_started" and types[-1] == "instance_completed", types
        assert history[0]["actor"] == self.registrar
        times = [datetime.fromisoformat(h["at"]) for h in history]
        assert all(t.utcoffset() is not None for t in times) and times == sorted(times)
        assert history[0]["detail"]["business_key"] == self.business_key
        task_events = [h for h in history if h["type"] in ("task_created", "task_completed")]
        expected_pairs = [(t, s.element_id) for s in self.steps for t in ("task_created", "task_completed")]
        assert [(h["type"], h["element_id"]) for h in task_events] == expected_pairs
        created = [h for h in task_events if h["type"] == "task_created"]
        completed = [h for h in task_events if h["type"] == "task_completed"]
        for step, c, d in zip(self.steps, created, completed, strict=True):
            assert c["detail"]["task_id"] == step.task_id == d["detail"]["task_id"]
            assert c["detail"]["candidate_groups"] == step.candidate_groups
            assert c["detail"]["assignee"] == step.assignee
            assert d["actor"] == step.actor
            assert d["detail"]["data"] == step.data


@pytest.fixture
def complaint(login: Any) -> Any:
    """``complaint(intake=None, registrar="agent", overrides=None)`` -> a ``ComplaintRun``."""

    def _make(intake: dict[str, Any] | None = None, **kw: Any) -> ComplaintRun:
        return ComplaintRun(login, intake, **kw)

    return _make

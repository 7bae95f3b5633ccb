"""The shape of the scale bench's cases: the complaint flow's user tasks read from the deployed
diagram, and each case's attributes (open or closed, subject, approver, times) drawn with a seeded
random generator. ``bench.scale_data`` turns them into rows in bulk SQL."""

from __future__ import annotations

import ast
import bisect
import itertools
import random
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from app.engine import decide_alone, parse_untrusted
from app.engine.xml_input import DMN_NAMESPACES

PROCESSES = Path(__file__).resolve().parent.parent / "processes"


def _decide(table: str, data: dict[str, object]) -> dict[str, Any]:
    """The product's decision table ``processes/<table>.dmn`` over ``data``."""
    raw = (PROCESSES / f"{table}.dmn").read_bytes()
    return decide_alone(parse_untrusted(raw, len(raw), document="dmn"), dict(data))


def _subjects() -> list[str]:
    root = ET.parse(PROCESSES / "subject_department.dmn").getroot()
    ns = {"dmn": next(n for n in DMN_NAMESPACES if root.tag.startswith(f"{{{n}}}"))}
    return [ast.literal_eval(t.text or "") for t in root.iterfind(".//dmn:rule/dmn:inputEntry/dmn:text", ns)]


# the responsible department per subject, as the subject_department table routes it
SUBJECT_GROUPS: dict[str, str] = {
    s: _decide("subject_department", {"subject": s})["routing"]["responsible_group"] for s in _subjects()
}

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
SPIFF = "{http://spiffworkflow.org/bpmn/schema/1.0/core}"

# The happy path of complaint_handling, one user task per step; "approval" is the task of the
# approver the amount calls for (its lane), "department" tasks go to the subject's group.
PATH = (
    "Task_ConfirmRecord",
    "Task_ClassifyComplaint",
    "Task_Investigate",
    "Task_ProposeSolution",
    "approval",
    "Task_CustomerAgreement",
    "Task_ImplementSolution",
    "Task_FollowUpVisit",
    "Task_CloseArchive",
)
APPROVAL_TASKS = ("Task_ApproveByManager", "Task_ApproveBySupervisor", "Task_ApproveByDirector")
# the ready step of an open case: weights chosen so that the supervisors', customer service's and
# the departments' (most of all quality's) inboxes are all large
READY_STEP_WEIGHTS = (8, 17, 20, 15, 10, 10, 10, 5, 5)
SUBJECT_WEIGHTS = {
    "product_quality": 40,
    "service_quality": 15,
    "after_sales": 15,
    "logistics": 10,
    "sales": 5,
    "contract_dispute": 5,
    "other": 10,
}
TIMERS = ("Timer_HandlingReminder", "Timer_HandlingBreach")
OPEN_SHARE = 0.30
ERROR_SHARE = 0.01  # of open cases, and as many suspended
ASSIGNED_SHARE = 0.10  # of ready tasks
DUE_SHARE = 0.85  # of ready tasks
SPAN = timedelta(days=730)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
CHANNELS = ("phone", "email", "store", "web")
AMOUNTS = (0, 100, 200, 300, 500, 800, 1000, 1500, 3000)
T = TypeVar("T")


@dataclass(frozen=True)
class Step:
    """One user task of the path as the diagram defines it."""

    step: int
    element_id: str
    name: str
    lane: str
    form_key: str | None
    groups: tuple[str, ...]  # empty: the case's responsible department decides
    registrar: bool  # assigned to whoever registered the complaint
    approver: str | None  # only for the approval tasks: the approver group they stand for


def _properties(task: ET.Element) -> dict[str, str]:
    return {p.get("name", ""): p.get("value", "") for p in task.iter(f"{SPIFF}property")}


def diagram_steps(xml: str) -> list[Step]:
    """The path's user tasks with their names, lanes, form keys and candidate groups from ``xml``."""
    root = ET.fromstring(xml.encode())
    lane_of = {
        ref.text: lane.get("name", "") for lane in root.iter(f"{BPMN}lane") for ref in lane.iter(f"{BPMN}flowNodeRef")
    }
    tasks = {t.get("id"): t for t in root.iter(f"{BPMN}userTask")}
    timers = {t.get("id") for t in root.iter(f"{BPMN}boundaryEvent")}
    missing = [e for e in (*PATH, *APPROVAL_TASKS) if e != "approval" and e not in tasks]
    missing += [t for t in TIMERS if t not in timers]
    if missing:
        raise ValueError(f"complaint_handling no longer has {', '.join(missing)}: update bench/scale_shape.py")
    steps = []
    for n, element in enumerate(PATH, start=1):
        for element_id in APPROVAL_TASKS if element == "approval" else (element,):
            task, lane = tasks[element_id], lane_of.get(element_id, "")
            props = _properties(task)
            if props.get("candidateGroups"):
                groups = tuple(g.strip() for g in props["candidateGroups"].split(",") if g.strip())
            elif props.get("candidateGroupsExpression"):
                groups = ()
            else:
                groups = (lane,)
            approver = lane if element == "approval" else None
            registrar = props.get("assigneeExpression") == "registered_by"
            steps.append(
                Step(n, element_id, task.get("name", ""), lane, props.get("formKey"), groups, registrar, approver)
            )
    return steps


def timer_names(xml: str) -> dict[str, str]:
    root = ET.fromstring(xml.encode())
    return {t.get("id", ""): t.get("name", "") for t in root.iter(f"{BPMN}boundaryEvent") if t.get("id") in TIMERS}


@dataclass(frozen=True)
class Case:
    """One generated case; times are Unix seconds."""

    n: int
    id: int
    business_key: str
    closed: bool
    status: str
    last_step: int  # closed: every step completed; open: this step is the ready one
    created: int
    step_seconds: int  # time between two tasks of the case
    department: str
    approver: str
    registered_by: str
    ready_assignee: str | None
    ready_due: int | None
    timer_due: int  # the first pending timer of an open case
    variables: str  # JSON
    severity_level: str  # the search columns the product writes on save (services/instance_search)
    customer_name: str
    customer_phone: str


class Draw:
    """Fast seeded draws (a million cases are drawn in seconds, not minutes)."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed).random

    def pick(self, items: Sequence[T]) -> T:
        return items[int(self.random() * len(items))]

    def weighted(self, items: Sequence[T], cumulative: Sequence[float]) -> T:
        return items[bisect.bisect(cumulative, self.random() * cumulative[-1])]

    def between(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low))


# severity levels by share of cases (A rare, E most): drawn from the id, not the random stream
LEVEL_SHARES = (("A", 1), ("B", 4), ("C", 15), ("D", 20), ("E", 60))
LEVEL_OF_PERCENT = "".join(level * share for level, share in LEVEL_SHARES)


def _variables(name: str, phone: str, subject: str, amount: int, key: str, channel: str) -> str:
    """The case's data as JSON: a few fields of the start record (no quotes or escapes in them)."""
    return (
        f'{{"customer_name": "{name}", "customer_phone": "{phone}", "subject": "{subject}", '
        f'"claim_amount": {amount}, "channel": "{channel}", "registration_number": "{key}"}}'
    )


def cases(
    n: int, *, first_id: int, now: datetime, users: dict[str, list[str]], prefix: str, seed: int = 10
) -> Iterator[Case]:
    """``n`` cases, ids from ``first_id`` on, created evenly over the two years before ``now``."""
    draw = Draw(seed)
    end = int(now.timestamp()) - 3600
    start = end - int(SPAN.total_seconds())
    registrars = users["cs_agents"]
    subjects = list(SUBJECT_WEIGHTS)
    subject_cum = list(itertools.accumulate(SUBJECT_WEIGHTS.values()))
    step_cum = list(itertools.accumulate(READY_STEP_WEIGHTS))
    steps = range(1, len(PATH) + 1)
    approvers = {
        a: _decide("approval_authority", {"compensation_amount": a})["approval_level"]["approver_group"]
        for a in AMOUNTS
    }
    day_keys: dict[int, str] = {}
    for i in range(n):
        instance_id = first_id + i
        created = start + (end - start) * i // max(n, 1)
        closed = draw.random() >= OPEN_SHARE
        subject = draw.weighted(subjects, subject_cum)
        amount = draw.pick(AMOUNTS)
        status, last, assignee = "completed", len(PATH), None
        if not closed:
            roll = draw.random()
            status = "error" if roll < ERROR_SHARE else "suspended" if roll < 2 * ERROR_SHARE else "running"
            last = draw.weighted(steps, step_cum)
            if draw.random() < ASSIGNED_SHARE:
                assignee = draw.pick(users.get(SUBJECT_GROUPS[subject], registrars))
        day = created // 86400
        if day not in day_keys:
            day_keys[day] = f"{datetime.fromtimestamp(created, now.tzinfo):%Y%m%d}"
        key = f"{prefix}{day_keys[day]}-{instance_id:06d}"  # as instances.business_key_for makes it
        room = max(end + 3000 - created, 60)  # the case's tasks all happened before now
        registered_by = draw.pick(registrars)  # the draws in the order they always had
        ready_due = end + draw.between(-3 * 86400, 21 * 86400) if draw.random() < DUE_SHARE else None
        timer_due = end + draw.between(2 * 3600, 28 * 86400)
        name = f"{draw.pick(SURNAMES)}先生 Customer {instance_id}"
        phone = f"13{draw.between(0, 999_999_999):09d}"
        channel = draw.pick(CHANNELS)
        yield Case(
            n=i,
            id=instance_id,
            business_key=key,
            closed=closed,
            status=status,
            last_step=last,
            created=created,
            step_seconds=min(6 * 3600, room // (len(PATH) + 2)),
            department=SUBJECT_GROUPS[subject],
            approver=approvers[amount],
            registered_by=registered_by,
            ready_assignee=assignee,
            ready_due=ready_due,
            timer_due=timer_due,
            variables=_variables(name, phone, subject, amount, key, channel),
            severity_level=LEVEL_OF_PERCENT[instance_id * 37 % 100],
            customer_name=name,
            customer_phone=phone,
        )

"""Rule 6.1 in the lists: which confidential instances each viewer's list holds, as the single
check says (``visibility.visible_to``), page by page, and each way in an index walk with a limit
(HR's and customer service's confidential ones through ``ix_instance_confidential_id``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.models import ProcessInstance, User
from app.services.visibility import visible_ids, visible_to
from tests import query_plans
from tests.task_rows import instance_rows


def _pages(s: Any, user: User, size: int = 25) -> list[int]:
    out: list[int] = []
    before = None
    while True:
        stmt = visible_ids(user, [], before=before, limit=size)
        assert stmt is not None
        page = list(s.scalars(stmt))
        out.extend(page)
        if len(page) < size:
            return out
        before = page[-1]


def test_rule_6_1_lists_hold_exactly_the_confidential_cases_each_viewer_may_see(rt: Any) -> None:
    rows = []
    for i in range(300):
        starter = "sales" if i % 29 == 0 else "agent"
        rows.append({"started_by": starter, "confidential": i % 3 == 0})
    ids = instance_rows(rt, rows)
    confidential = {i for n, i in enumerate(ids) if n % 3 == 0}
    with rt.sessions() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        expected = {
            "agent": set(ids) - confidential | {i for n, i in enumerate(ids) if n % 29 and n % 3 == 0},
            "supervisor": set(ids) - confidential,
            "hr": confidential,
            "sales": {i for n, i in enumerate(ids) if n % 29 == 0},
        }
        for name, wanted in expected.items():
            user = users[name]
            reference = list(
                s.scalars(select(ProcessInstance.id).where(visible_to(user)).order_by(ProcessInstance.id.desc()))
            )
            assert set(reference) & set(ids) == wanted, name
            assert _pages(s, user) == reference, name
        assert visible_ids(users["admin"], [], limit=10) is None  # admins: every case, confidential ones too
    for name in ("hr", "agent"):  # customer service: the ordinary cases, and the confidential ones of theirs
        plan = query_plans.plan(rt, visible_ids(users[name], [], limit=50), sqlite_statistics=False)
        assert "ix_instance_confidential_id" in plan, name

"""The detection query of rule 3.7 over hand-written complaint facts (bare complaint rows, as the
save path leaves them), and the thresholds of each criterion at their edges."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count
from typing import Any

import pytest
from sqlalchemy import select

from app.clock import utcnow
from app.models import ComplaintFact, ProcessDefinition, ProcessInstance
from app.runtime import Runtime
from app.services.batch_complaints import counts, threshold_reached

DAY = date(2026, 11, 1)
BASE: dict[str, Any] = {
    "product_name": "纯牛奶",
    "problem": "swollen_package",
    "batch_number": "B1",
    "plant": "P1",
    "production_date": DAY,
}
_phones = count(1)


def add_facts(rt: Runtime, rows: list[dict[str, Any]]) -> None:
    with rt.sessions() as s:
        definition = s.scalars(
            select(ProcessDefinition).where(ProcessDefinition.key == "complaint_handling").limit(1)
        ).one()
        for row in rows:
            values = {**BASE, **row}
            received = utcnow() - timedelta(days=values.pop("days_ago", 1))
            status = values.pop("status", "running")
            model = ProcessInstance(
                definition_id=definition.id,
                process_key="complaint_handling",
                version=definition.version,
                status=status,
                variables={},
                created_at=received,
            )
            s.add(model)
            s.flush()
            s.add(
                ComplaintFact(
                    instance_id=model.id,
                    received_at=received,
                    received_month=received.strftime("%Y-%m"),
                    status=status,
                    is_open=status == "running",
                    overdue=False,
                    reopened_count=0,
                    secondary=False,
                    complainant_phone=values.pop("phone", f"1390000{next(_phones):04d}"),
                    **values,
                )
            )
        s.commit()


def counted(rt: Runtime, **fact: Any) -> dict[str, int]:
    with rt.sessions() as s:
        return counts(s, ComplaintFact(**{**BASE, **fact}))


def test_rule_3_7_each_criterion_counts_the_same_product_and_problem_in_the_window(rt):
    add_facts(
        rt,
        [
            {},  # same batch, plant and date
            {},
            {"phone": "13700000001"},  # a consumer who complained twice counts once as a consumer
            {"phone": "13700000001"},
            {"batch_number": "B2"},  # same plant and date, another batch
            {"batch_number": "B3", "production_date": DAY + timedelta(days=1)},  # adjacent date
            {"batch_number": "B3", "production_date": DAY - timedelta(days=1), "plant": "P2"},  # other plant
            {"batch_number": "B4", "production_date": DAY + timedelta(days=2)},  # not adjacent
            {"problem": "mould"},  # another problem
            {"product_name": "酸奶"},  # another product
            {"days_ago": 91},  # outside the 90-day window
            {"outcome": "invalid", "status": "completed"},  # rejected at intake
            {"status": "terminated"},
            {"status": "completed", "outcome": "resolved"},  # closed cases count
        ],
    )
    assert counted(rt) == {"same_batch": 5, "plant_date": 6, "adjacent_dates": 7, "consumers": 5}
    # without a production date only the batch number compares
    assert counted(rt, production_date=None) == {"same_batch": 5, "plant_date": 0, "adjacent_dates": 0, "consumers": 0}


@pytest.mark.parametrize(
    ("kind", "normal", "chilled"),
    [("same_batch", 30, 60), ("plant_date", 50, 100), ("adjacent_dates", 100, 150), ("consumers", 6, 6)],
)
def test_rule_3_7_thresholds_and_the_higher_ones_of_chilled_products(kind, normal, chilled):
    assert threshold_reached({kind: normal - 1}, chilled=False) is None
    assert threshold_reached({kind: normal}, chilled=False) == kind
    assert threshold_reached({kind: chilled - 1}, chilled=True) is None
    assert threshold_reached({kind: chilled}, chilled=True) == kind


def test_rule_3_7_thirty_complaints_on_one_batch_reach_the_batch_threshold(rt):
    add_facts(rt, [{"production_date": None, "plant": None} for _ in range(29)])
    assert threshold_reached(counted(rt, production_date=None, plant=None), chilled=False) is None
    add_facts(rt, [{"production_date": None, "plant": None}])
    reached = counted(rt, production_date=None, plant=None)
    assert reached["same_batch"] == 30 and threshold_reached(reached, chilled=False) == "same_batch"
    assert threshold_reached(reached, chilled=True) is None

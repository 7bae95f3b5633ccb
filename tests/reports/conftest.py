"""A hand-computed fixture of complaint facts (March 2025, far before the simulated clock's now,
so cases other tests drive never fall in its period). Each row is a bare complaint instance with
its facts row, written as the save path would have left them; the expected figures are worked out
by hand in ``tests/reports/test_reports_api.py``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from app.models import ComplaintFact, ProcessDefinition, ProcessInstance
from app.runtime import Runtime
from app.services import complaint_rollups

CN = ZoneInfo("Asia/Shanghai")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CN)


# name: (received, hours to close or None (open), status, outcome, subject, level, channel, department,
#        sla {rule: met/missed}, reopened, satisfaction, secondary, (product, batch), employee)
FACTS: dict[str, tuple[Any, ...]] = {
    "F1": ("2025-03-03 10:00", 24, "completed", "resolved", "product_quality", "E", "phone", "quality",
           {"contact": "met", "handling": "met"}, 0, 5, False, ("Milk", "B1"), "zhang"),
    "F2": ("2025-03-05 09:00", 10, "completed", "resolved", "product_quality", "D", "email", "quality",
           {"contact": "missed", "handling": "met"}, 1, 3, True, ("Milk", "B1"), "zhang"),
    "F3": ("2025-03-10 08:00", 48, "completed", "closed_without_agreement", "logistics", "E", "phone", "logistics",
           {"handling": "missed"}, 0, None, False, ("Yogurt", "B7"), "li"),
    "F4": ("2025-03-20 12:00", None, "running", None, "service_quality", "C", "online", "cs_supervisors",
           {"contact": "met", "handling": "missed"}, 0, None, False, ("Milk", "B2"), None),
    "F5": ("2025-03-31 23:30", None, "running", None, "product_quality", "E", "phone", "quality",
           {}, 0, None, False, (None, None), None),
    "F6": ("2025-04-01 00:30", None, "running", None, "product_quality", "E", "phone", "quality",
           {}, 0, None, False, (None, None), None),
    "F7": ("2025-02-28 10:00", 1, "completed", "invalid", "other", "E", "letter", "cs_supervisors",
           {}, 0, None, False, (None, None), "zhang"),
    "F8": ("2025-03-15 10:00", 2, "completed", "invalid", "other", "E", "letter", "cs_supervisors",
           {}, 0, None, False, (None, None), "li"),
}  # fmt: skip


def _fact(instance_id: int, name: str, row: tuple[Any, ...]) -> ComplaintFact:
    received_text, hours, status, outcome, subject, level, channel, department = row[:8]
    sla, reopened, satisfaction, secondary, (product, batch), employee = row[8:]
    received = _at(received_text)
    closed = received + timedelta(hours=hours) if hours is not None else None
    return ComplaintFact(
        instance_id=instance_id,
        registration_number=f"TS-{name}",
        received_at=received,
        received_month=received.strftime("%Y-%m"),
        closed_at=closed,
        hours_to_close=hours,
        status=status,
        is_open=status == "running",
        outcome=outcome,
        subject=subject,
        severity_level=level,
        channel=channel,
        department=department,
        overdue="missed" in sla.values(),
        **{f"sla_{rule}": result for rule, result in sla.items()},
        reopened_count=reopened,
        satisfaction=satisfaction,
        secondary=secondary,
        product_name=product,
        batch_number=batch,
        responsible_employee=employee,
        # the resolved cases were archived with their improvement actions
        corrective_action=f"fix {name}" if outcome == "resolved" else None,
        preventive_action=f"prevent {name}" if outcome == "resolved" else None,
    )


@pytest.fixture
def march_facts(rt: Runtime) -> Iterator[dict[str, int]]:
    """The fixture's rows; yields instance id by name (the test's cleanup removes the instances,
    and their facts with them)."""
    ids: dict[str, int] = {}
    with rt.sessions() as s:
        definition = s.scalars(
            select(ProcessDefinition)
            .where(ProcessDefinition.key == "complaint_handling")
            .order_by(ProcessDefinition.version.desc())
        ).first()
        assert definition is not None
        for name, row in FACTS.items():
            model = ProcessInstance(
                definition_id=definition.id,
                process_key=definition.key,
                version=definition.version,
                status=row[2],
                business_key=f"TS-{name}",
                variables={},
                created_at=_at(row[0]),
            )
            s.add(model)
            s.flush()
            ids[name] = model.id
            s.add(_fact(model.id, name, row))
        s.flush()
        complaint_rollups.rebuild(s)  # the rows bypass the save path: their month rollups from them
        s.commit()
    yield ids


from tests.web.conftest import web_login  # noqa: E402,F401  (the page tests' logged-in browser session)

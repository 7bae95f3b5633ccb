"""Rule 3.7 when someone else changes a linked complaint at the same moment: the raise to level C
goes through the one save path with the optimistic lock, so the stale copy is refused, reloaded
and raised again; both changes are kept."""

from __future__ import annotations

from app.clock import utcnow
from app.models import ComplaintBatch, ProcessInstance
from app.services import batch_complaints
from tests.batches.test_batch_complaints import case, register


def test_rule_3_7_a_case_changed_meanwhile_is_reloaded_and_raised_keeping_both_changes(login, rt):
    instance_id = register(login, 1)
    with rt.sessions() as s:
        stale = s.get(ProcessInstance, instance_id)
        assert stale is not None and stale.state_json  # loaded now, changed by someone else below
        s.commit()
        note = {"note": "客户再次来电", "channel": "phone"}
        login("agent").post(f"/process-instances/{instance_id}/repeat-contact", json=note, expect=200)
        batch = ComplaintBatch(
            kind="consumers", product_name="纯牛奶250ml", problem="spoiled_taste", chilled=False, case_count=6,
            created_at=utcnow(),
        )  # fmt: skip
        s.add(batch)
        s.flush()
        batch_complaints.raise_linked(rt, s, instance_id, batch, None, recall=False)
        s.commit()
    shown = case(login, instance_id)
    assert shown["variables"]["contact_count"] == 2  # the other person's change
    assert shown["variables"]["severity"]["level"] == "C"  # the raise
    reasons = shown["variables"]["severity"]["reasons"]
    assert {"criterion": "batch_complaint", "level": "C"} in reasons
    assert {"criterion": "secondary_complaint", "level": "D"} in reasons
    assert "batch_raise_deferred" not in [h["type"] for h in shown["history"]]

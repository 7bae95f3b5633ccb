"""Rules 7.1 and 7.2 (domain.md §7): on the first working day of each month the monthly
accountability counts last month's valid findings per employee and proposes the penalties and
grievance awards; HR or the supervision group reviews the list (docs/monthly_accountability.md)."""

from __future__ import annotations

from datetime import date

from app.business_calendar import BusinessCalendar, set_default_calendar
from tests.accountability.conftest import day_before, first_working_day


def test_rule_7_1_three_valid_findings_give_a_200_yuan_proposal_on_the_first_working_day(month):
    reviewed = month.month
    for _ in range(3):
        month.finding("sales")
    month.finding("agent", valid=True)  # one valid complaint: no penalty
    first = first_working_day(*month.next_month())
    month.advance_to_day(day_before(first))
    assert reviewed not in month.reviews()  # not before the first working day
    month.advance_to_day(first)
    review = month.reviews()[reviewed]
    assert review["candidate_groups"] == ["hr", "supervision"] and review["lane"] == "hr"
    assert review["data"]["proposal_lines"] == ["sales: 3 次有效投诉 valid complaints → 罚款 fine 200 元 yuan"]
    penalties = month.variables()["proposals"]["penalties"]
    assert penalties == [{"employee": "sales", "valid_findings": 3, "action": "fine", "fine_yuan": 200}]


def test_rule_7_1_the_tiers_count_only_last_months_valid_findings_that_stand(month):
    reviewed = month.month
    counts = {"agent": 2, "agent2": 4, "quality": 5, "sales": 1}
    for employee, n in counts.items():
        for _ in range(n):
            month.finding(employee)
    month.finding("sales", status="appealed")  # counts until the supervision group overturns it
    month.finding("logistics")
    month.finding("logistics", status="overturned")  # does not count
    month.finding("logistics", valid=False)  # unreasonable: no penalty
    month.finding("logistics", month="2000-01")  # another month
    month.advance_to_day(first_working_day(*month.next_month()))
    assert month.variables()["proposals"]["penalties"] == [
        {"employee": "quality", "valid_findings": 5, "action": "dismissal", "fine_yuan": None},
        {"employee": "agent2", "valid_findings": 4, "action": "fine", "fine_yuan": 300},
        {"employee": "agent", "valid_findings": 2, "action": "public_criticism_and_fine", "fine_yuan": 100},
        {"employee": "sales", "valid_findings": 2, "action": "public_criticism_and_fine", "fine_yuan": 100},
    ]
    lines = month.reviews()[reviewed]["data"]["proposal_lines"]
    assert lines[0] == "quality: 5 次有效投诉 valid complaints → 建议辞退 dismissal proposed"
    assert lines[2] == "agent: 2 次有效投诉 valid complaints → 罚款 fine 100 元 yuan + 通报批评 public criticism"


def test_rule_7_1_a_holiday_shifted_first_working_day(month):
    reviewed = month.month
    month.finding("sales")
    month.finding("sales")
    year, number = month.next_month()
    usual = first_working_day(year, number)
    # the usual first working day and the next two days are public holidays this time
    closed = frozenset(date.fromordinal(usual.toordinal() + n) for n in range(3))
    set_default_calendar(BusinessCalendar(closure_days=closed))
    try:
        shifted = first_working_day(year, number)
        assert shifted > max(closed)
        month.advance_to_day(day_before(shifted))
        assert reviewed not in month.reviews()
        month.advance_to_day(shifted)
        assert month.reviews()[reviewed]["data"]["proposal_lines"] == [
            "sales: 2 次有效投诉 valid complaints → 罚款 fine 100 元 yuan + 通报批评 public criticism"
        ]
    finally:
        set_default_calendar(None)


def test_rule_7_2_an_unreasonable_complaint_handled_patiently_earns_a_100_yuan_grievance_award(month):
    reviewed = month.month
    month.finding("agent", valid=False, patient=True)
    month.finding("agent", valid=False, patient=True)
    month.finding("agent2", valid=False, patient=False)  # not patient: nothing
    month.finding("agent2", valid=False, patient=True, status="overturned")
    month.advance_to_day(first_working_day(*month.next_month()))
    proposals = month.variables()["proposals"]
    assert proposals["penalties"] == []
    assert proposals["awards"] == [{"employee": "agent", "patient_complaints": 2, "award_yuan": 200}]
    assert month.reviews()[reviewed]["data"]["proposal_lines"] == ["agent: 委屈奖 grievance award 200 元 yuan"]


def test_the_review_approves_the_list_or_returns_it_with_a_note(month):
    reviewed = month.month
    month.finding("sales")
    month.finding("sales")
    month.advance_to_day(first_working_day(*month.next_month()))
    review = month.reviews()[reviewed]
    supervision, hr = month.login("supervision"), month.login("hr")
    assert review["id"] in [t["id"] for t in supervision.get(f"/tasks?instance_id={month.id}", expect=200)]
    month.login("agent").post(
        f"/tasks/{review['id']}/complete", json={"data": {"review_decision": "approved"}}, expect=403
    )
    err = hr.post(f"/tasks/{review['id']}/complete", json={"data": {"review_decision": "returned"}}, expect=422)
    assert [d["field"] for d in err["error"]["details"]] == ["review_note"]
    hr.post(f"/tasks/{review['id']}/complete", json={"data": {"review_decision": "approved"}}, expect=200)
    assert reviewed not in month.reviews()
    inst = month.admin.get(f"/process-instances/{month.id}", expect=200)
    assert inst["status"] == "running"  # still waiting for the next day
    done = [h for h in inst["history"] if h["type"] == "task_completed"]
    assert done[-1]["detail"]["data"]["review_decision"] == "approved"
    assert done[-1]["detail"]["data"]["proposal_lines"] == review["data"]["proposal_lines"]

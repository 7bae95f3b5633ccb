"""The three newer time limits in the complaint facts (rules 1.5, 2.8, 3.1): the quality
department's 1-day investigation report (``sla_investigation_report``), the waiting time promised
at the confirmation (``sla_promise``) and a product-quality complaint handled within 24 h
(``sla_quality``), rated at save time like the six others and counted by the reports."""

from __future__ import annotations

from typing import Any

from app.runtime import Runtime
from tests.reports.test_complaint_facts import fact_of
from tests.sla.conftest import HOUR, Case


def limits(rt: Runtime, case: Case) -> tuple[str | None, str | None, str | None]:
    fact = fact_of(rt, case.id)
    return fact.sla_investigation_report, fact.sla_promise, fact.sla_quality


def test_rule_8_1_the_newer_limits_missed_are_rated_missed_and_make_the_case_overdue(login: Any, rt: Runtime) -> None:
    case = Case(login)
    case.to_handling(severity_grade="important")  # product quality, quality department, promised 24 h
    assert limits(rt, case) == (None, None, None)  # running: neither met nor missed
    case.advance(25 * HOUR)
    assert {"Timer_InvestigationReport", "Timer_PromiseBreach", "Timer_QualityBreach"} <= set(case.fired())
    assert limits(rt, case) == ("missed", "missed", "missed")
    assert fact_of(rt, case.id).overdue is True
    month = fact_of(rt, case.id).received_month
    report = login("admin").get(f"/reports/monthly?month={month}", expect=200)
    missed = {r["rule"]: r["missed"] for r in report["sla"]}
    assert all(missed[rule] >= 1 for rule in ("investigation_report", "promise", "quality"))


def test_rule_8_1_the_newer_limits_kept_are_rated_met(login: Any, rt: Runtime) -> None:
    case = Case(login)
    case.to_handling(severity_grade="general")
    case.advance(2 * HOUR)
    case.handle()
    assert limits(rt, case) == ("met", "met", "met")
    assert fact_of(rt, case.id).overdue is False


def test_rule_8_1_the_quality_limits_do_not_rate_other_subjects_and_departments(login: Any, rt: Runtime) -> None:
    case = Case(login)
    case.to_handling(subject="after_sales", severity_grade="general")
    case.advance(2 * HOUR)
    case.handle()
    # their timers were cancelled too, but the 1-day report and the 24 h are the quality department's
    assert limits(rt, case) == (None, "met", None)

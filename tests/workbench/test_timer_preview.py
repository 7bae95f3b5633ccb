"""The modeler's timer preview: literal ISO values and business-calendar expressions, evaluated in the
engine's sandbox on the product clock; a bad expression is an answer (valid false), never a 500."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from app.business_calendar import default_calendar
from app.clock import clock
from tests.stopped_clock import stopped_clock


def _preview(api, expect=200, **body):
    return api.post("/timers/preview", json=body, expect=expect)


def test_literal_durations_dates_and_cycles_are_due_from_the_product_clock_now(login):
    analyst = login("analyst")
    with stopped_clock():
        now = clock.now()
        day = _preview(analyst, kind="timeDuration", expression="PT24H")
        assert day["valid"] and datetime.fromisoformat(day["due"]) == now + timedelta(hours=24)
        local = (now + timedelta(hours=24)).astimezone(clock.business_tz).strftime("%Y-%m-%d %H:%M")
        assert day["due_local"] == local and day["message"] == f"due {local} if it started now"
        cycle = _preview(analyst, kind="timeCycle", expression="R3/PT1H")
        assert datetime.fromisoformat(cycle["due"]) == now + timedelta(hours=1)
        assert cycle["cycles"] == 3 and cycle["interval_seconds"] == 3600
        date = _preview(analyst, kind="timeDate", expression="2026-12-03T18:00:00+08:00")
        assert date["due_local"] == "2026-12-03 18:00" and date["due"] == "2026-12-03T10:00:00+00:00"


def test_business_calendar_helpers_and_sample_variables_are_evaluated_like_the_engine_does(login):
    analyst = login("analyst")
    with stopped_clock():
        now = clock.now()
        expected = default_calendar().end_of_working_day(now, 7)
        answer = _preview(analyst, kind="timeDate", expression="end_of_working_day(7)")
        assert answer["valid"] and datetime.fromisoformat(answer["due"]) == expected
        assert answer["due_local"] == expected.astimezone(clock.business_tz).strftime("%Y-%m-%d %H:%M")
        hours = _preview(analyst, kind="timeDuration", expression="'PT%dH' % sla", variables={"sla": 12})
        assert datetime.fromisoformat(hours["due"]) == now + timedelta(hours=12)
        two = _preview(analyst, kind="timeDate", expression="working_days(n)", variables={"n": 2})
        assert datetime.fromisoformat(two["due"]) == default_calendar().add_working_days(now, 2)


@pytest.mark.parametrize(
    ("kind", "expression", "variables", "says"),
    [
        ("timeDuration", "PT24", {}, "'PT24' is not a valid ISO 8601 duration, date or cycle"),
        ("timeDuration", "PT12HH", {}, "'PT12HH' is not a valid ISO 8601 duration, date or cycle"),
        ("timeDuration", "'P1X'", {}, "not a valid timeDuration"),
        ("timeDuration", "end_of_working_dy(7)", {}, "NameError"),
        ("timeDate", "working_days(2", {}, "refused"),
        ("timeDate", "__import__('os')", {}, "refused"),
        ("timeDate", "${dueDate}", {}, "JUEL"),
        ("timeDate", "PT24H", {}, "use timeDuration"),
        ("timeDuration", "sla", {"sla": 12}, "not ISO 8601 text"),
        ("timeCycle", "R3/PT0S", {}, "shorter than the limit"),
        ("timeDuration", "P200Y", {}, "longer than the limit"),
        ("timeDate", "working_days(-1)", {}, "failed"),
        ("timeDate", "  ", {}, "no value"),
    ],
)
def test_a_bad_expression_is_answered_with_valid_false_and_the_reason(login, kind, expression, variables, says):
    answer = _preview(login("analyst"), kind=kind, expression=expression, variables=variables)
    assert answer["valid"] is False and answer["due"] is None and answer["due_local"] is None
    assert says in answer["message"], answer["message"]


def test_a_wrong_body_is_refused_naming_the_field(login):
    analyst = login("analyst")
    assert _preview(analyst, 422, kind="timeout", expression="PT1H")["error"]["details"][0]["field"] == "kind"
    assert _preview(analyst, 422, kind="timeDate")["error"]["details"][0]["field"] == "expression"
    refused = _preview(analyst, 422, kind="timeDate", expression="x", variables=[1])
    assert refused["error"]["details"][0]["field"] == "variables"
    reserved = _preview(analyst, 422, kind="timeDate", expression="x", variables={"working_days": 1})
    assert reserved["error"]["details"][0]["field"] == "variables.working_days"
    analyst.post("/timers/preview", data="kind=timeDate", headers={"Content-Type": "text/plain"}, expect=415)
    login("agent").post("/timers/preview", json={"kind": "timeDate", "expression": "PT1H"}, expect=403)
    login(None).post("/timers/preview", json={"kind": "timeDate", "expression": "PT1H"}, expect=401)
    assert _preview(login("admin"), kind="timeDuration", expression="P1D")["valid"] is True


@pytest.mark.parametrize(
    ("language", "failed", "not_a_duration", "not_iso"),
    [
        (
            "zh",
            "表达式运行出错：NameError: ",  # noqa: RUF001
            "'P1D' 是时长而不是日期时间；时长请用 timeDuration。",  # noqa: RUF001
            "'PT12HH' 不是有效的 ISO 8601 时长、日期或周期（例如 PT24H、P2D、R3/PT1H）。",  # noqa: RUF001
        ),
        (
            "en",
            "The expression failed: NameError: ",
            "'P1D' is a duration, not a date-time; use timeDuration.",
            "'PT12HH' is not a valid ISO 8601 duration, date or cycle (e.g. PT24H, P2D, R3/PT1H).",
        ),
    ],
)
def test_a_refusal_is_also_said_in_the_requests_language(login, language, failed, not_a_duration, not_iso):
    analyst = login("analyst")
    said = {"Accept": "application/json", "Accept-Language": language}
    wrong = analyst.post(
        "/timers/preview", json={"kind": "timeDate", "expression": "due_dat"}, headers=said, expect=200
    )
    assert wrong["valid"] is False and wrong["reason"] == "failed"
    assert wrong["message"] == "the expression failed: NameError: name 'due_dat' is not defined"
    assert wrong["localized_message"] == failed + "name 'due_dat' is not defined"
    assert wrong["params"] == {"error": "NameError: name 'due_dat' is not defined"}
    typo = analyst.post(
        "/timers/preview", json={"kind": "timeDuration", "expression": "PT12HH"}, headers=said, expect=200
    )
    assert typo["reason"] == "not_iso" and typo["localized_message"] == not_iso  # as the lint says, not a NameError
    date = analyst.post("/timers/preview", json={"kind": "timeDate", "expression": "P1D"}, headers=said, expect=200)
    assert date["reason"] == "not_date" and date["localized_message"] == not_a_duration
    with stopped_clock():
        due = analyst.post(
            "/timers/preview", json={"kind": "timeDuration", "expression": "PT1H"}, headers=said, expect=200
        )
    assert due["reason"] == "due" and due["params"] == {"due": due["due_local"]}
    sentence = "若现在开始，将于 {} 到期" if language == "zh" else "due {} if it started now"  # noqa: RUF001
    assert due["localized_message"] == sentence.format(due["due_local"])

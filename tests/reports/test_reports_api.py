"""The reports API (api-contract.md, "Reports") against the hand-computed March 2025 fixture
(``tests/reports/conftest.py``).

March 2025 (business time) holds F1-F5 and F8; F6 (1 April 00:30 +08:00, still 31 March in UTC)
and F7 (28 February) fall outside. By hand:
received 6; closed F1 F2 F3 F8 = 4; open F4 F5 = 2; overdue (a limit missed) F2 F3 F4 = 3;
rated (any limit met or missed) F1-F4, of them with none missed F1 → on-time 1/4;
hours to close [2, 10, 24, 48]: median at rank 1.5 → 10 + 0.5 * 14 = 17, p90 at rank 2.7 →
24 + 0.7 * 24 = 40.8; reopened F2 = 1; satisfaction (5 + 3) / 2 = 4; secondary F2 = 1;
resolved F1 F2 = 2.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARCH = "from=2025-03-01&to=2025-03-31"
MARCH_TOTALS = {
    "received": 6,
    "closed": 4,
    "open": 2,
    "overdue": 3,
    "on_time_rate": 0.25,
    "median_hours_to_close": 17.0,
    "p90_hours_to_close": 40.8,
    "reopened": 1,
    "satisfaction_avg": 4.0,
    "secondary": 1,
    "resolved": 2,
}
# product_quality: F1 F2 F5; logistics: F3; other: F8; service_quality: F4
BY_SUBJECT = {
    "logistics": {"received": 1, "closed": 1, "open": 0, "overdue": 1, "on_time_rate": 0.0,
                  "median_hours_to_close": 48.0, "p90_hours_to_close": 48.0, "reopened": 0, "satisfaction_avg": None},
    "other": {"received": 1, "closed": 1, "open": 0, "overdue": 0, "on_time_rate": None,
              "median_hours_to_close": 2.0, "p90_hours_to_close": 2.0, "reopened": 0, "satisfaction_avg": None},
    "product_quality": {"received": 3, "closed": 2, "open": 1, "overdue": 1, "on_time_rate": 0.5,
                        "median_hours_to_close": 17.0, "p90_hours_to_close": 22.6, "reopened": 1,
                        "satisfaction_avg": 4.0},
    "service_quality": {"received": 1, "closed": 0, "open": 1, "overdue": 1, "on_time_rate": 0.0,
                        "median_hours_to_close": None, "p90_hours_to_close": None, "reopened": 0,
                        "satisfaction_avg": None},
}  # fmt: skip
CONTRACT_FIELDS = {
    "key",
    "received",
    "closed",
    "open",
    "overdue",
    "on_time_rate",
    "median_hours_to_close",
    "reopened",
    "satisfaction_avg",
}


def _pick(row: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in fields}


def test_summary_by_subject_matches_the_hand_computed_figures(login: Any, march_facts: dict[str, int]) -> None:
    body = login("manager").get(f"/reports/summary?{MARCH}&group_by=subject", expect=200)
    assert set(body) == {"period", "rows", "totals", "complaint_rate"}  # period and rate since rule 8.1
    assert body["period"] == {"kind": "range", "name": "2025-03-01/2025-03-31", "from": "2025-03-01",
                              "to": "2025-03-31", "department": None}  # fmt: skip
    assert all(set(row) >= CONTRACT_FIELDS for row in body["rows"])
    assert [row["key"] for row in body["rows"]] == sorted(BY_SUBJECT)
    assert {row["key"]: _pick(row, BY_SUBJECT["other"]) for row in body["rows"]} == BY_SUBJECT
    assert _pick(body["totals"], MARCH_TOTALS) == MARCH_TOTALS


def test_summary_by_each_grouping(login: Any, march_facts: dict[str, int]) -> None:
    director = login("director")

    def received(group_by: str, query: str = MARCH) -> dict[str, int]:
        rows = director.get(f"/reports/summary?{query}&group_by={group_by}", expect=200)["rows"]
        return {row["key"]: row["received"] for row in rows}

    assert received("severity") == {"C": 1, "D": 1, "E": 4}
    assert received("channel") == {"email": 1, "letter": 1, "online": 1, "phone": 3}
    assert received("department") == {"cs_supervisors": 2, "logistics": 1, "quality": 3}
    # F7 in February, F6 in April by business time (its UTC time is still 31 March)
    assert received("month", "from=2025-02-01&to=2025-04-30") == {"2025-02": 1, "2025-03": 6, "2025-04": 1}


def test_the_department_filter_keeps_only_its_complaints(login: Any, march_facts: dict[str, int]) -> None:
    body = login("supervisor").get(f"/reports/summary?{MARCH}&group_by=subject&department=quality", expect=200)
    assert [row["key"] for row in body["rows"]] == ["product_quality"]
    assert _pick(body["totals"], BY_SUBJECT["product_quality"]) == BY_SUBJECT["product_quality"]


def test_monthly_report_as_json(login: Any, march_facts: dict[str, int]) -> None:
    report = login("gm").get("/reports/monthly?month=2025-03", headers={"Accept": "application/json"}, expect=200)
    assert (report["month"], report["from"], report["to"]) == ("2025-03", "2025-03-01", "2025-03-31")
    assert _pick(report["totals"], MARCH_TOTALS) == MARCH_TOTALS
    assert {r["key"]: r["received"] for r in report["by_subject"]} == {k: v["received"] for k, v in BY_SUBJECT.items()}
    sla = {r["rule"]: (r["met"], r["missed"], r["on_time_rate"]) for r in report["sla"]}
    assert sla["contact"] == (2, 1, 0.6667) and sla["handling"] == (2, 2, 0.5)
    assert sla["site_visit"] == (0, 0, None)
    # zhang: F1 and F2 (F7 is February); li: F3 only, F8 was invalid
    assert report["repeated_offenders"] == [{"employee": "zhang", "complaints": 2}]
    assert report["top_products"] == [
        {"product": "Milk", "batch": "B1", "complaints": 2},
        {"product": "Milk", "batch": "B2", "complaints": 1},
        {"product": "Yogurt", "batch": "B7", "complaints": 1},
    ]
    assert [(c["instance_id"], c["missed"]) for c in report["open_overdue"]] == [(march_facts["F4"], ["handling"])]
    assert [
        (a["registration_number"], a["corrective_action"], a["preventive_action"])
        for a in report["improvement_actions"]
    ] == [
        ("TS-F1", "fix F1", "prevent F1"),
        ("TS-F2", "fix F2", "prevent F2"),
    ]


def test_monthly_report_as_xlsx_holds_the_same_numbers(login: Any, march_facts: dict[str, int]) -> None:
    admin = login("admin")
    r = admin.client.get("/api/v1/reports/monthly?month=2025-03", headers={**admin.headers, "Accept": XLSX})
    assert r.status_code == 200 and r.mimetype == XLSX
    assert "complaints-2025-03.xlsx" in r.headers["Content-Disposition"]
    book = load_workbook(BytesIO(r.data))
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True)}
    assert summary["month"] == "2025-03"
    assert {k: summary[k] for k in MARCH_TOTALS} == MARCH_TOTALS
    header, *rows = book["By subject"].iter_rows(values_only=True)
    by_subject = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert {k: _pick(v, BY_SUBJECT["other"]) for k, v in by_subject.items()} == BY_SUBJECT
    header, *rows = book["Repeated offenders"].iter_rows(values_only=True)
    assert (header, rows) == (("employee", "complaints"), [("zhang", 2)])
    assert [row[0] for row in book["Open overdue"].iter_rows(min_row=2, values_only=True)] == ["TS-F4"]
    assert [row[2] for row in book["Improvement actions"].iter_rows(min_row=2, values_only=True)] == [
        "fix F1",
        "fix F2",
    ]


def test_a_period_without_complaints_has_zero_counts_and_no_rates(login: Any) -> None:
    body = login("manager").get("/reports/summary?from=2001-01-01&to=2001-01-31", expect=200)
    assert body["rows"] == []
    totals = body["totals"]
    assert (totals["received"], totals["on_time_rate"], totals["median_hours_to_close"]) == (0, None, None)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("summary?from=2025-03-31&to=2025-03-01", "from"),
        ("summary?from=2025-13-01", "from"),
        ("summary?from=2025-3-1", "from"),
        ("summary?to=yesterday", "to"),
        ("summary?group_by=colour", "group_by"),
        ("summary?department=Quality%20Dept", "department"),
        ("summary?from=1990-01-01&to=2025-01-01", "from"),
        ("monthly?month=2025-3", "month"),
        ("monthly?month=2025-13", "month"),
        ("monthly", "month"),
        ("monthly?month=2025-03&department=x;y", "department"),
    ],
)
def test_a_bad_query_is_422_naming_the_field(login: Any, query: str, field: str) -> None:
    err = login("manager").get(f"/reports/{query}", expect=422)["error"]
    assert err["code"] == "invalid_report_query"
    assert [d["field"] for d in err["details"]] == [field]


def test_reports_need_reporting_rights(login: Any, client: Any) -> None:
    for path in ("/reports/summary", "/reports/monthly?month=2025-03"):
        assert client.get(f"/api/v1{path}").status_code == 401
        for user in ("agent", "analyst", "quality"):
            err = login(user).get(path, expect=403)["error"]
            assert err["code"] == "reporting_right_required"
        for user in ("supervisor", "manager", "director", "gm", "admin"):
            login(user).get(path, expect=200)


def test_the_openapi_document_describes_the_reports(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    summary = paths["/reports/summary"]["get"]
    assert {p["name"] for p in summary["parameters"]} == {"from", "to", "period", "date", "group_by", "department"}
    assert set(summary["responses"]) == {"200", "401", "403", "422"}
    assert XLSX in paths["/reports/monthly"]["get"]["responses"]["200"]["content"]

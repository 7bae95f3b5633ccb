"""The complaint rate (rule 8.1): complaints per 10,000 units sold, from the sales volumes admins
and analysts keep (``/reports/sales-volumes``), on the March 2025 fixture
(``tests/reports/conftest.py``): Milk F1 F2 F4, Yogurt F3.

By hand, with 20,000 Milk and 5,000 Yogurt sold in March 2025: Milk 3 / 20,000 = 1.5 per 10,000,
Yogurt 1 / 5,000 = 2.0, all 4 / 25,000 = 1.6. A day weighs 1/31 of March's units: on 5 March
(F2, Milk) Milk 1 / 645.16 = 15.5, Yogurt 0 / 161.29 = 0.0, all 1 / 806.45 = 12.4.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MARCH_VOLUMES = [
    {"month": "2025-03", "product": "Milk", "units": 20000},
    {"month": "2025-03", "product": "Yogurt", "units": 5000},
]


def keep(login: Any, rows: list[dict[str, Any]], user: str = "analyst", expect: int = 200) -> Any:
    return login(user).call("PUT", "/reports/sales-volumes", json={"volumes": rows}, expect=expect)


def kept(login: Any) -> list[tuple[str, str, int]]:
    body = login("admin").get("/reports/sales-volumes?from=2025-01&to=2025-12", expect=200)
    return [(v["month"], v["product"], v["units"]) for v in body["volumes"]]


def test_rule_8_1_the_summary_gives_complaints_per_10000_units(login: Any, march_facts: dict[str, int]) -> None:
    none = login("manager").get("/reports/summary?from=2025-03-01&to=2025-03-31", expect=200)
    assert none["complaint_rate"] == {"per_10000_units": None, "complaints": 0, "units": 0, "products": []}
    assert keep(login, MARCH_VOLUMES) == {"saved": 2, "created": 2, "updated": 0}
    rate = login("manager").get("/reports/summary?from=2025-03-01&to=2025-03-31", expect=200)["complaint_rate"]
    assert (rate["per_10000_units"], rate["complaints"], rate["units"]) == (1.6, 4, 25000)
    assert rate["products"] == [
        {"product": "Yogurt", "complaints": 1, "units": 5000, "per_10000_units": 2.0},
        {"product": "Milk", "complaints": 3, "units": 20000, "per_10000_units": 1.5},
    ]
    day = login("manager").get("/reports/summary?period=day&date=2025-03-05", expect=200)["complaint_rate"]
    assert (day["per_10000_units"], day["complaints"], day["units"]) == (12.4, 1, 806)
    assert [(p["product"], p["per_10000_units"]) for p in day["products"]] == [("Milk", 15.5), ("Yogurt", 0.0)]


def test_rule_8_1_the_monthly_report_and_workbook_hold_the_rate(login: Any, march_facts: dict[str, int]) -> None:
    keep(login, MARCH_VOLUMES)
    report = login("director").get("/reports/monthly?month=2025-03", expect=200)
    assert report["complaint_rate"]["per_10000_units"] == 1.6
    r = login("director").client.get(
        "/api/v1/reports/monthly?month=2025-03", headers={**login("director").headers, "Accept": XLSX}
    )
    book = load_workbook(BytesIO(r.data))
    assert dict(book["Summary"].iter_rows(values_only=True))["complaint_rate_per_10000_units"] == 1.6
    assert list(book["Complaint rate"].iter_rows(values_only=True)) == [
        ("product", "complaints", "units", "per_10000_units"),
        ("Yogurt", 1, 5000, 2.0),
        ("Milk", 3, 20000, 1.5),
        ("total", 4, 25000, 1.6),
    ]


def test_a_kept_month_and_product_gets_the_new_units(login: Any) -> None:
    keep(login, MARCH_VOLUMES, user="admin")
    assert keep(login, [{"month": "2025-03", "product": "Milk", "units": "30000"}]) == {
        "saved": 1,
        "created": 0,
        "updated": 1,
    }
    assert kept(login) == [("2025-03", "Milk", 30000), ("2025-03", "Yogurt", 5000)]
    body = login("analyst").get("/reports/sales-volumes?from=2025-03&to=2025-03", expect=200)
    assert body["volumes"][0]["updated_by"] == "analyst" and (body["from"], body["to"]) == ("2025-03", "2025-03")


def test_hostile_rows_are_422_naming_each_row_and_field_and_nothing_is_saved(login: Any) -> None:
    keep(login, MARCH_VOLUMES)
    rows = [
        {"month": "2025-04", "product": "Milk", "units": 100},  # good, but not saved either
        {"month": "2025-13", "product": "Milk", "units": 100},
        {"month": "2025-04", "product": "", "units": -1},
        {"month": "2025-04", "product": "Milk", "units": 1.5},
        "Milk",
        {"month": "2025-03", "product": "Yogurt", "units": True},
    ]
    err = keep(login, rows, expect=422)["error"]
    assert err["code"] == "invalid_sales_volumes"
    assert [(d["row"], d["field"]) for d in err["details"]] == [
        (2, "month"),
        (3, "product"),
        (3, "units"),
        (4, "units"),
        (5, "row"),
        (6, "units"),
    ]
    dup = keep(login, [rows[0], {**rows[0], "units": 5}], expect=422)["error"]["details"]
    assert dup == [{"row": 2, "field": "product", "message": "the same month and product as row 1"}]
    assert keep(login, [], expect=422)["error"]["details"][0]["field"] == "volumes"
    assert kept(login) == [("2025-03", "Milk", 20000), ("2025-03", "Yogurt", 5000)]  # as before


def _upload(login: Any, content: bytes, name: str, expect: int, user: str = "analyst") -> Any:
    return login(user).post(
        "/reports/sales-volumes/upload",
        data={"file": (BytesIO(content), name)},
        content_type="multipart/form-data",
        expect=expect,
    )


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def test_volumes_upload_as_csv_or_xlsx(login: Any) -> None:
    csv = "\ufeffproduct,units,month\nMilk,20000,2025-03\nYogurt,5000,2025-03\n\n".encode()
    assert _upload(login, csv, "march.csv", 200) == {"saved": 2, "created": 2, "updated": 0}
    book = _xlsx([["Month", "Product", "Units", "note"], ["2025-04", "Milk", 21000, "x"], ["2025-03", "Milk", 19000]])
    assert _upload(login, book, "volumes.xlsx", 200, user="admin") == {"saved": 2, "created": 1, "updated": 1}
    assert kept(login) == [("2025-03", "Milk", 19000), ("2025-03", "Yogurt", 5000), ("2025-04", "Milk", 21000)]


def test_a_bad_file_is_422_naming_the_row_or_the_file_and_saves_nothing(login: Any) -> None:
    bad_row = b"month,product,units\n2025-05,Milk,100\n2025-05,Yogurt,lots\n"
    err = _upload(login, bad_row, "may.csv", 422)["error"]
    assert err["details"] == [{"row": 2, "field": "units", "message": f"a whole number of units from 0 to {10**12}"}]
    no_units = _upload(login, b"month,product\n2025-05,Milk\n", "may.csv", 422)["error"]
    assert no_units["details"] == [{"row": 0, "field": "units", "message": "a column of the header row"}]
    assert _upload(login, b"PK\x03\x04 not a workbook", "may.xlsx", 422)["error"]["details"][0]["field"] == "file"
    assert _upload(login, b"\xff\xfe m\x00", "may.csv", 422)["error"]["details"][0]["field"] == "file"
    assert _upload(login, b"%PDF-1.4", "may.pdf", 422)["error"]["details"][0]["field"] == "file"
    assert _upload(login, b"", "empty.csv", 422)["error"]["details"][0]["field"] == "file"
    analyst = login("analyst")
    no_file = analyst.post("/reports/sales-volumes/upload", data={}, content_type="multipart/form-data", expect=400)
    assert no_file["error"]["code"] == "missing_file"
    assert kept(login) == []


def test_who_keeps_and_who_reads_the_volumes(login: Any) -> None:
    keep(login, MARCH_VOLUMES, user="manager", expect=403)
    _upload(login, b"month,product,units\n2025-03,Milk,1\n", "m.csv", 403, user="supervisor")
    login("agent").get("/reports/sales-volumes", expect=403)
    login(None).get("/reports/sales-volumes", expect=401)
    assert login("manager").get("/reports/sales-volumes?from=2025-03", expect=200)["volumes"] == []
    err = login("manager").get("/reports/sales-volumes?from=2025-3", expect=422)["error"]
    assert err["details"][0]["field"] == "from"
    assert (
        login("manager").get("/reports/sales-volumes?from=2025-05&to=2025-03", expect=422)["error"]["details"][0][
            "field"
        ]
        == "from"
    )


def test_the_openapi_document_describes_the_sales_volumes(client: Any) -> None:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    volumes = paths["/reports/sales-volumes"]
    assert set(volumes) == {"get", "put"} and {"403", "422"} <= set(volumes["put"]["responses"])
    assert "multipart/form-data" in paths["/reports/sales-volumes/upload"]["post"]["requestBody"]["content"]
    rate = paths["/reports/summary"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert "per_10000_units" in rate["properties"]["complaint_rate"]["properties"]

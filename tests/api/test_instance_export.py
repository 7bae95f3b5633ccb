"""CSV export of the filtered instance list (``GET /api/v1/process-instances.csv`` and
``?format=csv``): UTF-8 with a BOM, the header and statuses in the user's language, Chinese and
awkward text intact, formulas neutralised, only what the caller may see, the list's filters,
streamed page by page and capped with a closing note."""

from __future__ import annotations

import csv
import io

import pytest

from app.services import instance_export
from app.services.instance_search import name_key
from tests.task_rows import Spec, instance_rows, write

HEADER_ZH = [
    "登记编号",
    "流程",
    "版本",
    "状态",
    "严重程度",
    "客户",
    "电话",
    "当前任务",
    "创建时间",
    "更新时间",
    "结束于",
]
HEADER_EN = [
    "Registration number",
    "Process",
    "Version",
    "Status",
    "Severity",
    "Customer",
    "Phone",
    "Current tasks",
    "Created",
    "Updated",
    "Ended",
]
NAMES = [
    "张三",
    'Li, "the" customer',
    '=HYPERLINK("http://evil")',
    "+86 caller",
    "-2+3",
    "@SUM(A1)",
    "line one\nline two",
    "王五",
]


@pytest.fixture
def rows(rt) -> list[int]:
    columns = [
        {
            "customer_name": name,
            "customer_name_key": name_key(name),
            "customer_phone": f"1380013800{n}",
            "severity_level": "B" if n % 2 else "D",
            "business_key": f"TS20261101-{n:06d}",
            "status": "running" if n < 6 else "completed",
            "started_by": "quality" if n == 3 else "agent",
        }
        for n, name in enumerate(NAMES)
    ]
    ids = instance_rows(rt, columns)
    write(
        rt,
        ids,
        [
            Spec(["quality"], instance=0, element="Task_A"),
            Spec(["sales"], instance=0, element="Task_B", created=1),
            Spec(["quality"], instance=5, element="Task_A", state="completed", completed_by="quality"),
        ],
    )
    return ids


def read(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf")  # the UTF-8 byte-order mark: Excel reads the file as UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def export(api, query: str = "", *, lang: str = "zh", expect: int = 200) -> list[list[str]]:
    api.get(f"/process-instances.csv?{query}", headers={"Accept": "text/csv", "Accept-Language": lang}, expect=expect)
    r = api.last
    assert r.mimetype == "text/csv" and r.mimetype_params["charset"] == "utf-8"
    assert r.headers["Content-Disposition"].startswith("attachment;") and ".csv" in r.headers["Content-Disposition"]
    return read(r.get_data())


def test_the_file_has_a_bom_a_translated_header_and_every_row(login, rows):
    admin = login("admin")
    table = export(admin)
    assert table[0] == HEADER_ZH
    body = table[1:]
    assert [r[0] for r in body] == [f"TS20261101-{n:06d}" for n in range(len(NAMES))][::-1]  # newest first
    first = body[-1]
    assert first[1] == "客户投诉处理"  # "客户投诉处理 Complaint handling" in Chinese
    assert first[3] == "运行中" and first[4] == "D" and first[5] == "张三" and first[6] == "13800138000"
    assert first[7] == "First; First"  # both open tasks (the test rows' tasks are all named "First")
    assert all(len(r) == len(HEADER_ZH) for r in body)
    english = export(admin, lang="en")
    assert english[0] == HEADER_EN and english[-1][3] == "Running" and english[1][3] == "Completed"
    assert english[-1][1] == "Complaint handling"


def test_text_is_kept_and_formulas_are_neutralised(login, rows):
    customers = {r[0]: r[5] for r in export(login("admin"))[1:]}
    assert customers["TS20261101-000001"] == 'Li, "the" customer'  # quoted, not split
    assert customers["TS20261101-000006"] == "line one\nline two"
    assert customers["TS20261101-000002"] == '\'=HYPERLINK("http://evil")'
    assert customers["TS20261101-000003"] == "'+86 caller"
    assert customers["TS20261101-000004"] == "'-2+3"
    assert customers["TS20261101-000005"] == "'@SUM(A1)"
    assert customers["TS20261101-000007"] == "王五"


def test_the_current_tasks_are_the_open_ones(login, rows):
    tasks = {r[0]: r[7] for r in export(login("admin"), lang="en")[1:]}
    assert tasks["TS20261101-000000"] == "First; First"  # two open tasks (the rows' name is "First")
    assert tasks["TS20261101-000005"] == ""  # its only task is completed


def test_the_filters_apply_and_format_csv_is_the_same_file(login, rows):
    admin = login("admin")
    listed = admin.get("/process-instances?severity=B&status=running&per_page=200", expect=200)["items"]
    exported = export(admin, "severity=B&status=running")
    assert [r[0] for r in exported[1:]] == [i["business_key"] for i in listed] and len(listed) == 3
    same = admin.get("/process-instances?severity=B&status=running&format=csv", expect=200)
    assert admin.last.mimetype == "text/csv"
    assert read(admin.last.get_data()) == exported and same is None


def test_a_handler_exports_only_the_cases_they_may_see(login, rows):
    quality = login("quality")
    visible = [i["business_key"] for i in quality.get("/process-instances?per_page=200", expect=200)["items"]]
    assert sorted(visible) == ["TS20261101-000000", "TS20261101-000003", "TS20261101-000005"]
    assert [r[0] for r in export(quality)[1:]] == visible


def test_the_export_is_capped_with_a_closing_note(login, rows, monkeypatch):
    monkeypatch.setattr(instance_export, "MAX_ROWS", 3)
    monkeypatch.setattr(instance_export, "PAGE_ROWS", 2)  # two keyset pages for three rows
    admin = login("admin")
    table = export(admin, lang="en")
    assert [r[0] for r in table[1:4]] == [f"TS20261101-{n:06d}" for n in (7, 6, 5)]
    assert len(table) == 5 and "first 3 rows" in table[4][0]
    exactly = export(admin, "status=running&severity=B", lang="en")  # three rows match: no note
    assert len(exactly) == 4 and all(r[0].startswith("TS") for r in exactly[1:])


def test_the_export_streams(login, rows):
    admin = login("admin")
    admin.get("/process-instances.csv", expect=200)
    assert admin.last.is_streamed


@pytest.mark.parametrize(("query", "field"), [("severity=Z", "severity"), ("created_from=x", "created_from")])
def test_a_bad_filter_is_a_400_naming_it(login, rows, query, field):
    admin = login("admin")
    for path in (f"/process-instances.csv?{query}", f"/process-instances?format=csv&{query}"):
        err = admin.get(path, expect=400)
        assert err["error"]["details"][0]["field"] == field


def test_exporting_needs_a_login(client, rows):
    r = client.get("/api/v1/process-instances.csv")
    assert r.status_code == 401

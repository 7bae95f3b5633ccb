"""Role-table rows of the reports area: the reports page, its monthly XLSX and the reports API
(supervisors, managers, the marketing director, the general manager and admins; not agents, not
analysts), and the sales volumes behind the complaint rate (kept by analysts and admins).
``tests/role_table.py`` explains the words; ``tests/role_rows.py`` assembles the areas.

A new page of this area: a row at the end of ``PAGES``; a new API endpoint: at the end of ``ENDPOINTS``."""

from __future__ import annotations

from tests.role_table import V1, row

PAGES = [
    row(
        "GET", "/reports", "/reports", "login 403 ok 403 ok", "the reports: managers and admins, not agents or analysts"
    ),
    row(
        "GET",
        "/reports/monthly.xlsx",
        "/reports/monthly.xlsx?month=2026-11",
        "login 403 ok 403 ok",
        "the monthly report's download: as the page",
    ),
    row(
        "GET",
        "/reports/sales-volumes",
        "/reports/sales-volumes",
        "login 403 ok ok ok",
        "sales volumes: the readers of reports and the analysts who keep them",
    ),
    row(
        "POST",
        "/reports/sales-volumes",
        "/reports/sales-volumes",
        "login 403 403 ok ok",
        "keeping sales volumes: analysts and admins",
        form={"month": "2026-11", "product": "Milk", "units": "1"},
    ),
]
ENDPOINTS = [
    row(
        "GET",
        f"{V1}/reports/summary",
        f"{V1}/reports/summary?group_by=subject",
        "401 403 ok 403 ok",
        "reporting rights: managers and admins, not agents or analysts",
    ),
    row(
        "GET",
        f"{V1}/reports/monthly",
        f"{V1}/reports/monthly?month=2026-11",
        "401 403 ok 403 ok",
        "reporting rights: as the summary",
    ),
    row(
        "GET",
        f"{V1}/reports/sales-volumes",
        f"{V1}/reports/sales-volumes",
        "401 403 ok ok ok",
        "sales volumes: the readers of reports and the analysts who keep them",
    ),
    row(
        "PUT",
        f"{V1}/reports/sales-volumes",
        f"{V1}/reports/sales-volumes",
        "401 403 403 ok ok",
        "keeping sales volumes: analysts and admins",
        json={"volumes": [{"month": "2026-11", "product": "Milk", "units": 1}]},
    ),
    row(
        "POST",
        f"{V1}/reports/sales-volumes/upload",
        f"{V1}/reports/sales-volumes/upload",
        "401 403 403 ok ok",
        "uploading sales volumes: analysts and admins",
        files={"file": (b"month,product,units\n2026-11,Milk,1\n", "volumes.csv")},
    ),
]

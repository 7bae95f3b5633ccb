"""The monthly report (``reports.monthly``) as an XLSX workbook: one sheet per table, headed by
the JSON field names, so the workbook and ``Accept: application/json`` hold the same figures."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ROW_FIELDS = (
    "key",
    "received",
    "closed",
    "open",
    "overdue",
    "on_time_rate",
    "median_hours_to_close",
    "p90_hours_to_close",
    "reopened",
    "satisfaction_avg",
    "secondary",
    "resolved",
)
TABLES = (
    ("By subject", "by_subject", ROW_FIELDS),
    ("By severity", "by_severity", ROW_FIELDS),
    ("By channel", "by_channel", ROW_FIELDS),
    ("By department", "by_department", ROW_FIELDS),
    ("Time limits", "sla", ("rule", "met", "missed", "on_time_rate")),
    ("Repeated offenders", "repeated_offenders", ("employee", "complaints")),
    ("Top products", "top_products", ("product", "batch", "complaints")),
    (
        "Open overdue",
        "open_overdue",
        ("registration_number", "received_at", "subject", "severity", "department", "missed"),
    ),
    (
        "Improvement actions",
        "improvement_actions",
        ("registration_number", "subject", "corrective_action", "preventive_action"),
    ),
)
RATE_FIELDS = ("product", "complaints", "units", "per_10000_units")


def _cell(value: Any) -> Any:
    return ", ".join(value) if isinstance(value, list) else value


def workbook_bytes(report: dict[str, Any]) -> bytes:
    """The XLSX file of a monthly report."""
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append(["month", report["month"]])
    summary.append(["department", report["department"] or "all"])
    for field, value in report["totals"].items():
        summary.append([field, value])
    rate = report["complaint_rate"]
    summary.append(["complaint_rate_per_10000_units", rate["per_10000_units"]])
    for title, key, fields in TABLES:
        sheet = book.create_sheet(title)
        sheet.append(list(fields))
        for row in report[key]:
            sheet.append([_cell(row[f]) for f in fields])
    rates = book.create_sheet("Complaint rate")
    rates.append(list(RATE_FIELDS))
    for row in rate["products"]:
        rates.append([row[f] for f in RATE_FIELDS])
    rates.append(["total", rate["complaints"], rate["units"], rate["per_10000_units"]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()

"""OpenAPI paths of the reports (``app/api/reports.py``)."""

from __future__ import annotations

from typing import Any

from app.api.openapi_operations import op, query_param, resp

_NUMBER_OR_NULL = {"type": ["number", "null"]}
_FIGURES = {
    "received": {"type": "integer", "description": "complaints received in the period"},
    "closed": {"type": "integer", "description": "of them completed"},
    "open": {"type": "integer", "description": "running, suspended or in error"},
    "overdue": {"type": "integer", "description": "with any time limit missed"},
    "on_time_rate": {**_NUMBER_OR_NULL, "description": "share of the rated cases with no limit missed"},
    "median_hours_to_close": _NUMBER_OR_NULL,
    "p90_hours_to_close": _NUMBER_OR_NULL,
    "reopened": {"type": "integer", "description": "cases reopened at least once"},
    "satisfaction_avg": {**_NUMBER_OR_NULL, "description": "mean follow-up score, 1-5"},
    "secondary": {"type": "integer", "description": "secondary complaints"},
    "resolved": {"type": "integer", "description": "outcome resolved"},
}
_ROW = {"type": "object", "properties": {"key": {"type": "string"}, **_FIGURES}}
_PERIOD = {
    "type": "object",
    "description": "the period counted: kind range/day/week/month, name (2025-03-12, 2025-W11, 2025-03)",
    "properties": {
        "kind": {"type": "string", "enum": ["range", "day", "week", "month"]},
        "name": {"type": "string"},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "department": {"type": ["string", "null"]},
    },
}
SUMMARY = {
    "type": "object",
    "required": ["rows", "totals"],
    "properties": {
        "period": _PERIOD,
        "rows": {"type": "array", "items": _ROW},
        "totals": {"type": "object", "properties": _FIGURES},
    },
}
_LIST = {"type": "array", "items": {"type": "object"}}
MONTHLY = {
    "type": "object",
    "properties": {
        "month": {"type": "string"},
        "from": {"type": "string", "format": "date"},
        "to": {"type": "string", "format": "date"},
        "department": {"type": ["string", "null"]},
        "totals": {"type": "object", "properties": _FIGURES},
        **{f"by_{g}": {"type": "array", "items": _ROW} for g in ("subject", "severity", "channel", "department")},
        "sla": {"type": "array", "items": {"type": "object", "description": "rule, met, missed, on_time_rate"}},
        "repeated_offenders": _LIST,
        "top_products": _LIST,
        "open_overdue": _LIST,
        "improvement_actions": _LIST,
    },
}
_DEPARTMENT = query_param("department", desc="a responsible group key: only its complaints")
_WHO = "supervisors, managers, the marketing director, the general manager, admins"


def report_paths() -> dict[str, Any]:
    """The summary and the monthly report."""
    return {
        "/reports/summary": {
            "get": op(
                f"Complaint figures of a period, grouped ({_WHO}); 422 names the bad query field",
                {"200": resp("Summary", SUMMARY)},
                401,
                403,
                422,
                params=[
                    query_param("from", desc="YYYY-MM-DD, default 29 days before to"),
                    query_param("to", desc="YYYY-MM-DD, default today"),
                    query_param("period", desc="a preset instead of from/to: day, week (ISO, Monday-Sunday) or month"),
                    query_param("date", desc="YYYY-MM-DD, the day the preset period holds (default today)"),
                    query_param("group_by", desc="subject (default), severity, channel, department or month"),
                    _DEPARTMENT,
                ],
                tag="reports",
            )
        },
        "/reports/monthly": {
            "get": op(
                f"The monthly report ({_WHO}): JSON, or an XLSX workbook with Accept: {_XLSX}",
                {
                    "200": {
                        "description": "Monthly report",
                        "content": {
                            "application/json": {"schema": MONTHLY},
                            _XLSX: {"schema": {"type": "string", "format": "binary"}},
                        },
                    }
                },
                401,
                403,
                422,
                params=[{**query_param("month", desc="YYYY-MM"), "required": True}, _DEPARTMENT],
                tag="reports",
            )
        },
    }


_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

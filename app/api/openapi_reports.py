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
_PRODUCT_RATE = "product, complaints, units, per_10000_units"
_RATE = {
    "type": "object",
    "description": "complaints per 10,000 units sold, where sales volumes exist (null without)",
    "properties": {
        "per_10000_units": _NUMBER_OR_NULL,
        "complaints": {"type": "integer"},
        "units": {"type": "integer", "description": "each month's units by the share of its days in the period"},
        "products": {"type": "array", "items": {"type": "object", "description": _PRODUCT_RATE}},
    },
}
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
        "complaint_rate": _RATE,
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
        "complaint_rate": _RATE,
    },
}
_DEPARTMENT = query_param("department", desc="a responsible group key: only its complaints")
_WHO = "supervisors, managers, the marketing director, the general manager, admins"


_VOLUME = {
    "type": "object",
    "required": ["month", "product", "units"],
    "properties": {
        "month": {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}$"},
        "product": {"type": "string", "maxLength": 200},
        "units": {"type": "integer", "minimum": 0},
    },
}
_SAVED = {
    "type": "object",
    "properties": {"saved": {"type": "integer"}, "created": {"type": "integer"}, "updated": {"type": "integer"}},
}
_VOLUME_LIST = {"type": "array", "items": _VOLUME}
_VOLUMES = {"type": "object", "properties": {"volumes": _VOLUME_LIST}}
_MONTH_TEXT = {"type": "string", "description": "YYYY-MM"}
_LISTED = {"type": "object", "properties": {"from": _MONTH_TEXT, "to": _MONTH_TEXT, "volumes": _VOLUME_LIST}}
_FILE = {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}
_KEEPERS = "analysts and admins; 422 invalid_sales_volumes names each bad row and field, nothing is saved"


def _keeping(how: str, body: dict[str, Any]) -> dict[str, Any]:
    return op(
        f"Keep sales volumes {how} ({_KEEPERS})",
        {"200": resp("Saved", _SAVED)},
        *(400, 401, 403, 413, 415, 422),
        body=body,
        tag="reports",
    )


def sales_volume_paths() -> dict[str, Any]:
    """The sales volumes behind the complaint rate."""
    return {
        "/reports/sales-volumes": {
            "get": op(
                f"Units sold per month and product ({_WHO}, analysts)",
                {"200": resp("Sales volumes", _LISTED)},
                401,
                403,
                422,
                params=[
                    query_param("from", desc="YYYY-MM, default 11 months before to"),
                    query_param("to", desc="YYYY-MM, default this month"),
                ],
                tag="reports",
            ),
            "put": _keeping("as rows", {"application/json": {"schema": {**_VOLUMES, "required": ["volumes"]}}}),
        },
        "/reports/sales-volumes/upload": {
            "post": _keeping(
                "from a CSV or XLSX file with columns month, product, units", {"multipart/form-data": {"schema": _FILE}}
            ),
        },
    }


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

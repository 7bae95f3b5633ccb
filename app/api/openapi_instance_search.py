"""OpenAPI of the instance list's search filters, counts per status and CSV export."""

from __future__ import annotations

from typing import Any

from app.services import instance_export, instance_lists
from app.services.instance_search import SEVERITY_LEVELS


def _query(name: str, schema: dict[str, Any], desc: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema, "description": desc}


_DAY = {"type": "string", "format": "date"}
SEARCH_PARAMS = [
    _query("version", {"type": "integer", "minimum": 1}, "only instances of this version"),
    _query("severity", {"enum": list(SEVERITY_LEVELS)}, "only complaints of this severity level"),
    _query(
        "overdue",
        {"type": "boolean"},
        "true: only cases with an open task past its due time; false: only cases without one",
    ),
    _query("task", {"type": "string"}, "only cases waiting on this user task now (its element id)"),
    _query("group", {"type": "string"}, "only cases with an open task for this candidate group"),
    _query("created_from", _DAY, "created on or after this day (the users' time zone, Asia/Shanghai)"),
    _query("created_to", _DAY, "created on or before this day (inclusive; the users' time zone)"),
    _query("business_key_prefix", {"type": "string"}, "registration numbers starting with this"),
    _query(
        "customer",
        {"type": "string", "maxLength": 200},
        "the start of the complainant's name (case and width folded), or of their phone when given as digits "
        "only; a start, not a substring, so the search stays on an index",
    ),
    _query("counts", {"enum": ["status"]}, "status: add status_counts (each capped like total)"),
    _query("format", {"enum": ["json", "csv"]}, "csv: the filtered list as a CSV file (as /process-instances.csv)"),
]
_COUNT = {
    "type": "object",
    "properties": {"total": {"type": "integer"}, "total_is_exact": {"type": "boolean"}},
}
STATUS_COUNTS = {
    "type": "object",
    "description": "with counts=status: for each status, how many match the other filters (capped like total)",
    "properties": {s: _COUNT for s in instance_lists.STATUSES},
}
CSV_OK = {
    "description": (
        "The filtered list as CSV: UTF-8 with a byte-order mark, the header and statuses in the caller's "
        f"language, newest first, only what the caller may see; at most {instance_export.MAX_ROWS:,} rows, "
        "then a closing note row. Cells starting with = + - @ get a leading apostrophe."
    ),
    "content": {"text/csv": {"schema": {"type": "string"}}},
}

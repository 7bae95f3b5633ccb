"""``GET /api/v1/process-instances`` (the filtered, bounded list, optionally with counts per status)
and its CSV export ``GET /api/v1/process-instances.csv`` (also ``?format=csv`` on the list)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from flask import jsonify, request

from app.api import views
from app.api.request_input import int_arg
from app.errors import BadRequest
from app.http import current_user, db, runtime
from app.models import User
from app.services import instance_filters, instance_lists
from app.web import instance_export_view


def _viewer_and_filters() -> tuple[User, instance_lists.InstanceFilters]:
    user = current_user()
    assert user is not None
    tz = ZoneInfo(runtime().settings.business_timezone)
    return user, instance_filters.parse(request.args, tz, me=user.username)


def _counts_wanted() -> bool:
    counts = request.args.get("counts", "")
    if counts not in ("", "status"):
        raise BadRequest(
            "query parameter 'counts' must be 'status' (or absent)",
            code="bad_parameter",
            details=[{"field": "counts", "message": "status, or absent"}],
        )
    return counts == "status"


def list_page() -> Any:
    """One page; ``counts=status`` adds the capped count of each status under the other filters."""
    user, filters = _viewer_and_filters()
    with_counts = _counts_wanted()
    result = instance_lists.list_page(
        db(),
        user,
        filters,
        page=int_arg("page", 1),
        per_page=int_arg("per_page", instance_lists.DEFAULT_PER_PAGE, hi=instance_lists.MAX_PER_PAGE),
        cursor=request.args.get("cursor") or None,
    )
    body: dict[str, Any] = {
        "items": [views.instance_summary(m) for m in result.items],
        "total": result.total,
        "total_is_exact": result.total_is_exact,
        "next_cursor": result.next_cursor,
    }
    if with_counts:
        body["status_counts"] = {
            c.status: {"total": c.total, "total_is_exact": c.total_is_exact}
            for c in instance_lists.status_counts(db(), user, filters)
        }
    response = jsonify(body)
    if result.next_cursor:
        response.headers["X-Next-Cursor"] = result.next_cursor
    return response


def export_instances() -> Any:
    """The filtered list as CSV (what the caller may see, at most ``instance_export.MAX_ROWS`` rows)."""
    user, filters = _viewer_and_filters()
    return instance_export_view.csv_response(runtime(), db(), user, filters)

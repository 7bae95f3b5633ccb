"""The complaint list (/instances) and its CSV export: the same filters, the same visibility."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import request
from werkzeug.wrappers import Response

from app.http import db, runtime
from app.services import instance_filters
from app.web import instance_export_view, instance_list_view
from app.web.blueprint import bp
from app.web.security import login_required, signed_in_user


def _page_number() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isascii() and page.isdigit() and len(page) <= 18 and int(page) > 0 else 1


@bp.get("/instances")
@login_required
def instance_list() -> str | tuple[str, int]:
    user = signed_in_user()
    tz = ZoneInfo(runtime().settings.business_timezone)
    try:
        filters = instance_filters.parse(request.args, tz, me=user.username)
    except instance_filters.FilterErrors as err:
        return instance_list_view.render(db(), user, request.args, None, err, page=1, cursor=None), 400
    return instance_list_view.render(
        db(), user, request.args, filters, None, page=_page_number(), cursor=request.args.get("cursor") or None
    )


@bp.get("/instances/export.csv")
@login_required
def instance_export() -> Response:
    """The filtered list as CSV (bad filters: the 400 error page naming them)."""
    user = signed_in_user()
    tz = ZoneInfo(runtime().settings.business_timezone)
    filters = instance_filters.parse(request.args, tz, me=user.username)
    return instance_export_view.csv_response(runtime(), db(), user, filters)

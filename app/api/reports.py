"""Reports (api-contract.md, "Reports"): the summary and the monthly report (JSON or XLSX)."""

from __future__ import annotations

from typing import Any

from flask import request

from app.api.blueprint import bp
from app.api.report_files import xlsx_download
from app.http import current_user, db
from app.services import monthly_workbook, report_period, reports

JSON = "application/json"


def _reader() -> None:
    user = current_user()
    assert user is not None
    report_period.require_reporting_right(user)


@bp.get("/reports/summary")
def report_summary() -> Any:
    _reader()
    period = report_period.requested_period(request.args)
    grouping = report_period.grouping(request.args.get("group_by"))
    return {"period": period.described(), **reports.summary(db(), period, grouping)}


@bp.get("/reports/monthly")
def report_monthly() -> Any:
    _reader()
    period = report_period.month_period(request.args.get("month"), request.args.get("department"))
    report = reports.monthly(db(), period)
    if request.accept_mimetypes.best_match([JSON, monthly_workbook.XLSX]) != monthly_workbook.XLSX:
        return report
    return xlsx_download(report)

"""The reports page and its monthly XLSX download (supervisors and above, ``report_period``)."""

from __future__ import annotations

from flask import Response, render_template, request

from app.api.report_files import xlsx_download
from app.http import db
from app.services import report_period, reports
from app.web import report_view
from app.web.blueprint import bp
from app.web.security import login_required, signed_in_user


@bp.get("/reports")
@login_required
def reports_page() -> str:
    report_period.require_reporting_right(signed_in_user())
    args = request.args
    period = report_period.requested_period(args)
    month = report_period.month_period(args.get("month") or f"{period.last:%Y-%m}", args.get("department"))
    data = report_view.reports_page_data(db(), period, month)
    return render_template("reports.html", period=period, month=month, report=data)


@bp.get("/reports/monthly.xlsx")
@login_required
def monthly_report_xlsx() -> Response:
    report_period.require_reporting_right(signed_in_user())
    period = report_period.month_period(request.args.get("month"), request.args.get("department"))
    return xlsx_download(reports.monthly(db(), period))

"""The monthly report as a downloaded file, shared by the API and the reports page (kept apart
from the route modules, so either may import it without importing the other's blueprint)."""

from __future__ import annotations

from typing import Any

from flask import Response

from app.services import monthly_workbook


def xlsx_download(report: dict[str, Any]) -> Response:
    """The monthly report as an XLSX attachment."""
    return Response(
        monthly_workbook.workbook_bytes(report),
        mimetype=monthly_workbook.XLSX,
        headers={"Content-Disposition": f'attachment; filename="complaints-{report["month"]}.xlsx"'},
    )

"""The reports page (server-rendered; its figures as tables, the charts' data island for
``static/js/reports.js``) and its XLSX download, on the March 2025 fixture."""

from __future__ import annotations

import json
import re
from io import BytesIO
from typing import Any

from openpyxl import load_workbook

MARCH = "/reports?from=2025-03-01&to=2025-03-31&month=2025-03"


def _figure(html: str, section: str, key: str, figure: str) -> str:
    """The text of ``data-figure`` in the row ``data-key`` of a section's table."""
    part = html.split(f'id="report-{section}"', 1)[1].split("</section>", 1)[0]
    row = part.split(f'data-key="{key}"', 1)[1].split("</tr>", 1)[0]
    found = re.search(rf'data-figure="{figure}">([^<]*)<', row)
    assert found, f"{section}/{key}/{figure} not on the page"
    return found.group(1)


def test_the_page_shows_the_figures_as_tables_and_chart_data(web_login: Any, march_facts: dict[str, int]) -> None:
    html = web_login("manager", lang="en").text(MARCH)
    totals = html.split('id="report-totals"', 1)[1].split("</dl>", 1)[0]
    assert re.search(r'data-figure="received">6<', totals) and re.search(r'data-figure="overdue">3<', totals)
    assert 'data-figure="on_time_rate">25.0%<' in totals
    assert 'data-figure="median_hours_to_close">17.0<' in totals
    assert 'data-figure="p90_hours_to_close">40.8<' in totals
    assert 'data-figure="reopen_rate">16.7%<' in totals  # 1 of 6
    assert 'data-figure="resolution_rate">50.0%<' in totals  # 2 of the 4 closed
    assert _figure(html, "subject", "product_quality", "received") == "3"
    assert _figure(html, "department", "quality", "closed") == "2"
    assert _figure(html, "month", "2025-03", "received") == "6"
    assert _figure(html, "sla", "handling", "missed") == "2"
    assert ">zhang<" in html.split('id="report-offenders"', 1)[1].split("</section>", 1)[0]
    overdue = html.split('id="report-overdue"', 1)[1].split("</section>", 1)[0]
    assert "TS-F4" in overdue and "Handling deadline" in overdue and "TS-F2" not in overdue
    for grouping in ("subject", "severity", "channel", "department", "month", "sla"):
        assert f'<canvas id="chart-{grouping}"' in html
    island = html.split('<script type="application/json" id="report-charts">', 1)[1].split("</script>", 1)[0]
    charts = {c["id"]: c for c in json.loads(island)}
    assert charts["chart-subject"]["labels"] == ["Logistics", "Other", "Product quality", "Service quality"]
    assert charts["chart-subject"]["datasets"][0]["data"] == [1, 1, 3, 1]
    assert "vendor/chart.js/chart.umd.js" in html and "js/reports.js" in html
    monthly = html.split('id="report-monthly"', 1)[1].split("</section>", 1)[0]
    assert "Monthly report 2025-03" in monthly and 'data-figure="received">6<' in monthly
    assert 'href="/reports/monthly.xlsx?month=2025-03"' in monthly
    assert "fix F1" in monthly and "prevent F2" in monthly


def test_the_page_in_chinese_and_filtered_by_department(web_login: Any, march_facts: dict[str, int]) -> None:
    html = web_login("supervisor").text(MARCH + "&department=quality")
    assert "统计报表" in html and "按类别" in html and "产品质量" in html and "及时率" in html
    assert 'id="nav-reports"' in html
    assert _figure(html, "subject", "product_quality", "received") == "3"
    assert 'data-key="logistics"' not in html.split('id="report-subject"', 1)[1].split("</section>", 1)[0]
    assert 'href="/reports/monthly.xlsx?month=2025-03&amp;department=quality"' in html


def test_the_xlsx_download_holds_the_months_figures(web_login: Any, march_facts: dict[str, int]) -> None:
    r = web_login("director").client.get("/reports/monthly.xlsx?month=2025-03")
    assert r.status_code == 200 and r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    summary = dict(load_workbook(BytesIO(r.data))["Summary"].iter_rows(values_only=True))
    assert (summary["received"], summary["closed"], summary["on_time_rate"]) == (6, 4, 0.25)


def test_bad_filters_are_422_and_the_menu_hides_reports_from_agents(web_login: Any) -> None:
    manager = web_login("manager", lang="en")
    assert "to" in manager.text("/reports?from=2025-03-31&to=2025-03-01", expect=422)
    manager.get("/reports/monthly.xlsx?month=March", expect=422)
    agent = web_login("agent")
    assert 'id="nav-reports"' not in agent.text("/instances")
    agent.get("/reports", expect=403)

"""The sales volumes page (analysts and admins keep them, readers of reports read them) and the
complaint rate on the reports page (rule 8.1), on the March 2025 fixture."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from tests.reports.test_complaint_rate import kept

PAGE = "/reports/sales-volumes?from=2025-01&to=2025-12"


def test_an_analyst_keeps_volumes_by_the_form_and_by_a_file(web_login: Any, login: Any) -> None:
    analyst = web_login("analyst", lang="en")
    html = analyst.text(PAGE)
    assert 'id="nav-sales-volumes"' in html and 'id="sales-volume-upload"' in html
    assert "No sales volume is kept for these months." in html
    r = analyst.post("/reports/sales-volumes", {"month": "2025-03", "product": "Milk", "units": "20000"}, expect=302)
    assert r.headers["Location"].endswith("/reports/sales-volumes?from=2025-03&to=2025-03")
    csv = b"month,product,units\n2025-03,Yogurt,5000\n2025-04,Milk,21000\n"
    analyst.post("/reports/sales-volumes", {"file": (BytesIO(csv), "volumes.csv")}, expect=302)
    listed = analyst.text(PAGE)
    assert "2 sales volumes saved." in listed
    assert re.search(r'data-key="2025-03/Milk">.*?data-figure="units">20000<', listed, re.S)
    assert kept(login) == [("2025-03", "Milk", 20000), ("2025-03", "Yogurt", 5000), ("2025-04", "Milk", 21000)]


def test_a_bad_row_or_file_on_the_page_is_422_and_saves_nothing(web_login: Any, login: Any) -> None:
    admin = web_login("admin", lang="en")
    admin.get(PAGE)
    html = admin.post("/reports/sales-volumes", {"month": "2025-3", "product": "Milk", "units": "-3"}, expect=422)
    text = html.get_data(as_text=True)
    assert 'id="sales-volume-error"' in text and "Nothing was saved" in text
    assert 'data-row="1" data-field="month"' in text and 'data-row="1" data-field="units"' in text
    assert 'value="Milk"' in text  # the posted row is kept in the form
    bad = b"month,product,units\n2025-03,Milk,1\n2025-03,Milk,2\n"
    dup = admin.post("/reports/sales-volumes", {"file": (BytesIO(bad), "v.csv")}, expect=422).get_data(as_text=True)
    assert 'data-row="2" data-field="product"' in dup
    zh = web_login("analyst").post("/reports/sales-volumes", {"month": "", "product": "", "units": ""}, expect=422)
    assert "未保存任何数据" in zh.get_data(as_text=True)
    assert kept(login) == []


def test_readers_see_the_volumes_without_the_forms(web_login: Any, login: Any) -> None:
    login("admin").call("PUT", "/reports/sales-volumes", json={"volumes": [
        {"month": "2025-03", "product": "Milk", "units": 20000}]}, expect=200)  # fmt: skip
    html = web_login("manager", lang="en").text(PAGE)
    assert 'data-key="2025-03/Milk"' in html and 'id="sales-volume-upload"' not in html
    assert 'id="nav-sales-volumes"' not in html  # readers reach it from the reports page
    manager = web_login("manager")
    manager.get(PAGE)
    manager.post("/reports/sales-volumes", {"month": "2025-03", "product": "Milk", "units": "1"}, expect=403)
    web_login("agent").get(PAGE, expect=403)


def test_the_reports_page_shows_the_complaint_rate(web_login: Any, login: Any, march_facts: dict[str, int]) -> None:
    page = web_login("manager", lang="en")
    empty = page.text("/reports?from=2025-03-01&to=2025-03-31&month=2025-03")
    assert "No sales volume is kept for this period" in empty and 'href="/reports/sales-volumes"' in empty
    login("analyst").call("PUT", "/reports/sales-volumes", json={"volumes": [
        {"month": "2025-03", "product": "Milk", "units": 20000},
        {"month": "2025-03", "product": "Yogurt", "units": 5000}]}, expect=200)  # fmt: skip
    html = page.text("/reports?from=2025-03-01&to=2025-03-31&month=2025-03")
    totals = html.split('id="report-totals"', 1)[1].split("</dl>", 1)[0]
    assert 'data-figure="complaint_rate">1.6<' in totals
    section = html.split('id="report-complaint-rate"', 1)[1].split("</section>", 1)[0]
    assert re.search(r'data-key="Yogurt">.*?data-figure="per_10000_units">2.0<', section, re.S)
    assert re.search(r'data-key="Milk">.*?data-figure="units">20000<', section, re.S)
    monthly = html.split('id="report-monthly"', 1)[1].split("</section>", 1)[0]
    assert 'data-figure="complaint_rate">1.6<' in monthly
    assert "每万件投诉数" in web_login("supervisor").text("/reports?from=2025-03-01&to=2025-03-31")

"""Rule 6.1 on the pages: an employee files a grievance from /start in their own name; customer
service get 404 on its page and never see it in /instances, its search or its CSV export; HR open
it and see who read it (rule 6.3)."""

from __future__ import annotations

import re
from typing import Any

from tests.grievance.conftest import FILING

CASE = re.compile(r'href="/instances/(\d+)"')
READ_ROW = re.compile(
    r'<tr class="event-confidential_read"[^>]*>\s*<td[^>]*>[^<]*</td>\s*<td>Read \(confidential case\)</td>\s*'
    r"<td></td>\s*<td>(\w+)</td>\s*<td class=\"summary\">([^<]*)</td>"
)


def _file(web_login: Any) -> int:
    employee = web_login("production", lang="en")
    form = employee.text("/start/employee_grievance")
    assert "Employee grievance" in form and 'name="anonymous"' not in form
    r = employee.post("/start/employee_grievance", {**FILING}, expect=302)
    return int(r.headers["Location"].rsplit("/", 1)[1])


def test_rule_6_1_customer_service_see_no_grievance_on_any_page(web_login: Any) -> None:
    instance_id = _file(web_login)
    for user in ("agent", "supervisor"):
        cs = web_login(user, lang="en")
        cs.get(f"/instances/{instance_id}", expect=404)
        assert str(instance_id) not in CASE.findall(cs.text("/instances"))
        assert str(instance_id) not in CASE.findall(cs.text("/instances?process_key=employee_grievance"))
        assert "EG" not in cs.text("/instances/export.csv?process_key=employee_grievance").split("\n", 1)[1]


def test_rule_6_3_hr_opens_the_grievance_and_sees_who_read_it(web_login: Any) -> None:
    instance_id = _file(web_login)
    web_login("production", lang="en").get(f"/instances/{instance_id}")
    hr = web_login("hr", lang="en")
    assert str(instance_id) in CASE.findall(hr.text("/instances"))
    reads = READ_ROW.findall(hr.text(f"/instances/{instance_id}"))
    assert ("production", "opened the case") in reads
    assert ("hr", "opened the case") in reads  # HR's own opening of the page is on the record too

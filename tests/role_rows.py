"""The rows of the role table (``tests/role_table.py`` explains the words): every page and API endpoint
of ``app.url_map`` with its expected outcome per role, kept in one module per area and assembled here.

- ``tests/role_rows_account.py``: signing in and out, one's own account and notifications, what is public
- ``tests/role_rows_cases.py``: the inbox, cases, tasks, starting a complaint, evidence, the admins' actions
- ``tests/role_rows_workbench.py``: process versions and migration, the editors, the modeler's drafts,
  simulation runs
- ``tests/role_rows_reports.py``: the reports page, its monthly XLSX and the reports API

A new route's row goes at the end of its area's ``PAGES`` (a page or form action) or ``ENDPOINTS`` (an
API endpoint); a new area is a new ``tests/role_rows_<area>.py`` added to both lists below.
"""

from __future__ import annotations

from tests import role_rows_account, role_rows_cases, role_rows_reports, role_rows_workbench

WEB_ROWS = [
    *role_rows_account.PAGES,
    *role_rows_cases.PAGES,
    *role_rows_workbench.PAGES,
    *role_rows_reports.PAGES,
]
API_ROWS = [
    *role_rows_account.ENDPOINTS,
    *role_rows_cases.ENDPOINTS,
    *role_rows_workbench.ENDPOINTS,
    *role_rows_reports.ENDPOINTS,
]

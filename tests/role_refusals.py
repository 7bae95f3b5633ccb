"""The role table's two checks, for either half of the app: every route of ``app.url_map`` has a row,
and each row, requested as each role, answers what the row says and, when refused, changes nothing.

``tests/web/test_role_refusals.py`` (pages, ``WEB_ROWS``) and ``tests/api/test_role_refusals.py``
(endpoints, ``API_ROWS``) run them with a subclass that names its half::

    class TestEndpoints(RoleRefusals):
        api = True

Test ids name the row and the role, e.g. ``test_route_as_role[GET /api/v1/me-anonymous]``.
"""

from __future__ import annotations

from typing import ClassVar

import pytest
from flask import Flask

from app.runtime import Runtime
from tests.role_rows import API_ROWS, WEB_ROWS
from tests.role_table import ROLES, Row, World, call, outcome, routes


class RoleRefusals:
    """The checks for one half: ``api = True`` for the API endpoints, ``False`` for the pages."""

    api: ClassVar[bool]

    @classmethod
    def rows(cls) -> list[Row]:
        return API_ROWS if cls.api else WEB_ROWS

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """Each row of the half as each role."""
        if "item" in metafunc.fixturenames:
            metafunc.parametrize("item", self.rows(), ids=str)
            metafunc.parametrize("role", ROLES)

    def test_every_route_has_a_row(self, app: Flask) -> None:
        where = f"tests/role_rows.py {'API_ROWS' if self.api else 'WEB_ROWS'}"
        listed = [r.key for r in self.rows()]
        twice = sorted({key for key in listed if listed.count(key) > 1})
        assert not twice, f"routes listed twice in {where}: {twice}"
        answered = routes(app, api=self.api)
        missing = answered - set(listed)
        assert not missing, f"routes without a row in {where}: {sorted(missing)}"
        stale = set(listed) - answered
        assert not stale, f"rows in {where} for routes that no longer exist: {sorted(stale)}"

    def test_route_as_role(self, app: Flask, rt: Runtime, item: Row, role: str) -> None:
        world = World(app.test_client(), rt)
        path = world.path(item.path)  # makes what the path names
        before = world.state()
        with call(app, item, path, role) as response:
            got = outcome(item, response)
            body = response.get_data()[:300].decode(errors="replace")
        assert got == item.expected[role], (
            f"{item} as {role}: expected {item.expected[role]} ({item.reason}), got {response.status_code} "
            f"{response.headers.get('Location', '')} {body}"
        )
        if got not in ("ok", "422"):
            assert world.state() == before, f"{item} as {role}: refused ({got}) but something changed"

"""Every API endpoint, refused for each role that must not use it (the table in
``tests/role_table.py``); an endpoint without a row in the table fails the coverage test."""

from __future__ import annotations

import pytest
from flask import Flask

from app.runtime import Runtime
from tests.role_rows import API_ROWS
from tests.role_table import ROLES, Row, World, call, outcome, routes


def test_every_endpoint_has_a_row(app: Flask) -> None:
    listed = [r.key for r in API_ROWS]
    assert len(listed) == len(set(listed)), "an endpoint is listed twice"
    missing = routes(app, api=True) - set(listed)
    assert not missing, f"endpoints without a row in tests/role_rows.py API_ROWS: {sorted(missing)}"
    stale = set(listed) - routes(app, api=True)
    assert not stale, f"rows for endpoints that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("item", API_ROWS, ids=str)
def test_endpoint_as_role(app: Flask, rt: Runtime, item: Row, role: str) -> None:
    world = World(app.test_client(), rt)
    path = world.path(item.path)  # makes what the path names
    before = world.state()
    with call(app, item, path, role) as response:
        got = outcome(item, response)
        body = response.get_data()[:300].decode(errors="replace")
    assert got == item.expected[role], (
        f"{item} as {role}: expected {item.expected[role]} ({item.reason}), got {response.status_code} {body}"
    )
    if got not in ("ok", "422"):
        assert world.state() == before, f"{item} as {role}: refused ({got}) but something changed"

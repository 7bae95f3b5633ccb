"""Every API endpoint, refused for each role that must not use it (the rows of ``API_ROWS``, the checks
of ``tests/role_refusals.py``); an endpoint without a row fails ``test_every_route_has_a_row``."""

from __future__ import annotations

from tests.role_refusals import RoleRefusals


class TestEndpoints(RoleRefusals):
    api = True

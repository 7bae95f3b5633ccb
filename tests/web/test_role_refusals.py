"""Every page and form action, refused for each role that must not use it (the rows of ``WEB_ROWS``, the
checks of ``tests/role_refusals.py``); a page without a row fails ``test_every_route_has_a_row``."""

from __future__ import annotations

from tests.role_refusals import RoleRefusals


class TestPages(RoleRefusals):
    api = False

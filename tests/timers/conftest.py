"""Helpers for timer tests: everything moves on the simulated clock, never by sleeping."""

from __future__ import annotations

from datetime import datetime

import pytest


class Flow:
    def __init__(self, login):
        self.admin = login("admin")
        self.agent = login("agent")
        self.login = login

    def deploy(self, xml: bytes) -> None:
        self.login("analyst").deploy(xml)

    def start(self, key: str, variables: dict | None = None) -> dict:
        inst = self.agent.post(
            "/process-instances", json={"process_key": key, "variables": variables or {}}, expect=201
        )
        return self.instance(inst["id"])

    def instance(self, instance_id: int) -> dict:
        return self.agent.get(f"/process-instances/{instance_id}", expect=200)

    def advance(self, seconds: float) -> int:
        return self.admin.post("/admin/clock", json={"advance_seconds": seconds}, expect=200)["fired"]

    def now(self) -> datetime:
        return datetime.fromisoformat(self.admin.get("/admin/clock", expect=200)["now"])


@pytest.fixture
def flow(login) -> Flow:
    return Flow(login)

"""What the procedure drivers of the tests (appeals, grievances, crises) read of their case
through the API: a driver says who reads (``instance``), this class reads the rest."""

from __future__ import annotations

from typing import Any


class CaseReading:
    """Reading one case's tasks, variables, fired timers and notifications."""

    id: int

    def instance(self) -> dict[str, Any]:
        raise NotImplementedError  # the driver reads as the user who may see the case

    def variables(self) -> dict[str, Any]:
        variables: dict[str, Any] = self.instance()["variables"]
        return variables

    def ready(self) -> list[str]:
        return [t["element_id"] for t in self.instance()["tasks"]]

    def task(self, element_id: str) -> dict[str, Any]:
        found = [t for t in self.instance()["tasks"] if t["element_id"] == element_id]
        assert found, f"{element_id} is not ready; ready: {self.ready()}"
        return found[0]

    def fired(self) -> list[str]:
        """Element ids of the timers that fired, in order."""
        return [h["element_id"] for h in self.instance()["history"] if h["type"] == "timer_fired"]

    def sent(self, element_id: str) -> list[dict[str, Any]]:
        """The notifications the element sent (their history details)."""
        return [
            h["detail"]
            for h in self.instance()["history"]
            if h["type"] == "notification_sent" and h["element_id"] == element_id
        ]

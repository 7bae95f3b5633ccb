"""Cases for the console's overview pages: a service task whose upstream is down until a test
brings it back (so a retry can fail again, then succeed), and the heat-map diagram."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from handlers import REGISTRY
from tests.diagrams import two_step, with_service

UPSTREAM_DOWN = "the complaint registry is not answering"
REMINDER = (
    '<bpmn:boundaryEvent id="remind" name="Remind" attachedToRef="first" cancelActivity="false">'
    "<bpmn:timerEventDefinition><bpmn:timeDuration>PT18H</bpmn:timeDuration></bpmn:timerEventDefinition>"
    '</bpmn:boundaryEvent><bpmn:sequenceFlow id="fr" sourceRef="remind" targetRef="remind_end"/>'
    '<bpmn:endEvent id="remind_end"/>'
)


def stats_diagram(key: str, *, script: str = "total = amount + 1") -> bytes:
    """start -> First (reminder timer after 18 h) -> script "Compute" (fails on a non-number) -> Second -> end."""
    xml = two_step(key, script=script).decode()
    return xml.replace('<bpmn:sequenceFlow id="f2"', REMINDER + '<bpmn:sequenceFlow id="f2"').encode()


class Upstream:
    """The state of the pretend registry the ``registry_lookup`` service task calls."""

    def __init__(self) -> None:
        self.up = False

    def lookup(self, params: dict[str, Any]) -> dict[str, Any]:
        if not self.up:
            raise ValueError(UPSTREAM_DOWN)
        return {"found": True}


def registry_lookup() -> Iterator[Upstream]:
    """Install the service handler ``registry_lookup``, which fails while ``upstream.up`` is False
    (a test module's ``upstream`` fixture yields from this)."""
    state = Upstream()
    REGISTRY["registry_lookup"] = state.lookup
    try:
        yield state
    finally:
        del REGISTRY["registry_lookup"]


def failing_case(api: Any, key: str = "lookup_flow") -> dict[str, Any]:
    """Deploy (as ``api``, an analyst or admin) and start a case that stops in an incident at "svc" ("Call")."""
    api.deploy(with_service(key, "registry_lookup", {}), expect=None)
    inst = api.post("/process-instances", json={"process_key": key, "variables": {}}, expect=201)
    assert api.get(f"/process-instances/{inst['id']}", expect=200)["status"] == "error"
    return dict(inst)

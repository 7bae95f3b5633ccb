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


SHAPES = {  # element id -> x, y, width, height: a layout so bpmn-js can draw the diagram
    "start": (100, 122, 36, 36),
    "first": (180, 100, 100, 80),
    "remind": (212, 162, 36, 36),
    "remind_end": (212, 240, 36, 36),
    "script": (330, 100, 100, 80),
    "second": (480, 100, 100, 80),
    "end": (632, 122, 36, 36),
}
EDGES = {"f1": (136, 180), "f2": (280, 330), "f3": (430, 480), "f4": (580, 632)}


def with_layout(xml: bytes, key: str) -> bytes:
    """``stats_diagram`` with BPMN DI (shapes and edges), as a modeller would save it."""
    shapes = "".join(
        f'<bpmndi:BPMNShape id="{e}_di" bpmnElement="{e}"><dc:Bounds x="{x}" y="{y}" width="{w}" height="{h}"/>'
        "</bpmndi:BPMNShape>"
        for e, (x, y, w, h) in SHAPES.items()
    )
    edges = "".join(
        f'<bpmndi:BPMNEdge id="{f}_di" bpmnElement="{f}"><di:waypoint x="{a}" y="140"/><di:waypoint x="{b}" y="140"/>'
        "</bpmndi:BPMNEdge>"
        for f, (a, b) in EDGES.items()
    )
    edges += (
        '<bpmndi:BPMNEdge id="fr_di" bpmnElement="fr"><di:waypoint x="230" y="198"/><di:waypoint x="230" y="240"/>'
        "</bpmndi:BPMNEdge>"
    )
    diagram = (
        '<bpmndi:BPMNDiagram id="layout" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" '
        'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI">'
        f'<bpmndi:BPMNPlane id="plane" bpmnElement="{key}">{shapes}{edges}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>'
    )
    return xml.replace(b"</bpmn:definitions>", diagram.encode() + b"</bpmn:definitions>")


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

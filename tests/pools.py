"""A two-pool diagram built in code, with its layout (BPMN DI): the company's executable process
(start -> reply -> check -> end) and the customer as a black-box pool, joined by message flows."""

from __future__ import annotations

DEFINITIONS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" '
    'xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="defs" targetNamespace="test">'
)
# the centre of each flow node's shape in the company's pool (y 100-260); the customer's pool is below
_NODES = {"start": (150, 180, "startEvent"), "reply": (280, 180, "userTask"), "check": (440, 180, "userTask")}
_NODES["end"] = (580, 180, "endEvent")
_CUSTOMER_Y = 360  # the top edge of the customer's pool
_SEQUENCE = (("start", "reply"), ("reply", "check"), ("check", "end"))


def two_pools(key: str, *, customer: str, message_flows: dict[str, tuple[str, str, str]]) -> bytes:
    """The diagram; ``message_flows``: id -> (name, source, target), the customer's pool being
    ``p_customer``."""
    nodes = "".join(f'<bpmn:{kind} id="{nid}" name="{nid.title()}"/>' for nid, (_x, _y, kind) in _NODES.items())
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>' for i, (a, b) in enumerate(_SEQUENCE, 1)
    )
    messages = "".join(
        f'<bpmn:messageFlow id="{mid}" name="{name}" sourceRef="{source}" targetRef="{target}"/>'
        for mid, (name, source, target) in message_flows.items()
    )
    return (
        f'{DEFINITIONS}<bpmn:collaboration id="collab">'
        f'<bpmn:participant id="p_company" name="Company" processRef="{key}"/>'
        f'<bpmn:participant id="p_customer" name="{customer}"/>{messages}</bpmn:collaboration>'
        f'<bpmn:process id="{key}" name="Two pools" isExecutable="true">{nodes}{flows}</bpmn:process>'
        f'<bpmndi:BPMNDiagram id="layout"><bpmndi:BPMNPlane id="plane" bpmnElement="collab">'
        f"{_layout(message_flows)}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram></bpmn:definitions>"
    ).encode()


def _shape(element: str, x: int, y: int, width: int, height: int, extra: str = "") -> str:
    return (
        f'<bpmndi:BPMNShape id="{element}_di" bpmnElement="{element}"{extra}>'
        f'<dc:Bounds x="{x}" y="{y}" width="{width}" height="{height}"/></bpmndi:BPMNShape>'
    )


def _edge(element: str, points: list[tuple[int, int]]) -> str:
    waypoints = "".join(f'<di:waypoint x="{x}" y="{y}"/>' for x, y in points)
    return f'<bpmndi:BPMNEdge id="{element}_di" bpmnElement="{element}">{waypoints}</bpmndi:BPMNEdge>'


def _size(node: str) -> tuple[int, int]:
    return (36, 36) if _NODES[node][2].endswith("Event") else (100, 80)


def _layout(message_flows: dict[str, tuple[str, str, str]]) -> str:
    pools = _shape("p_company", 80, 100, 600, 160, ' isHorizontal="true"') + _shape(
        "p_customer", 80, _CUSTOMER_Y, 600, 100, ' isHorizontal="true"'
    )
    nodes = "".join(
        _shape(nid, x - _size(nid)[0] // 2, y - _size(nid)[1] // 2, *_size(nid)) for nid, (x, y, _k) in _NODES.items()
    )
    flows = "".join(
        _edge(f"f{i}", [(_NODES[a][0] + _size(a)[0] // 2, 180), (_NODES[b][0] - _size(b)[0] // 2, 180)])
        for i, (a, b) in enumerate(_SEQUENCE, 1)
    )
    messages = ""
    for n, (mid, (_name, source, target)) in enumerate(message_flows.items()):
        task = target if source == "p_customer" else source
        x = _NODES[task][0] - 20 + 40 * n
        down = [(x, 220), (x, _CUSTOMER_Y)]
        messages += _edge(mid, down if source != "p_customer" else down[::-1])
    return pools + nodes + flows + messages


def before_and_after(key: str) -> tuple[bytes, bytes]:
    """Two versions: in the second the customer's pool is renamed (Client), the letter too, and the
    answer (from reply) is replaced by a result (from check)."""
    first = two_pools(
        key,
        customer="Customer",
        message_flows={
            "mf_letter": ("Complaint", "p_customer", "reply"),
            "mf_answer": ("Answer", "reply", "p_customer"),
        },
    )
    second = two_pools(
        key,
        customer="Client",
        message_flows={
            "mf_letter": ("Complaint letter", "p_customer", "reply"),
            "mf_result": ("Result", "check", "p_customer"),
        },
    )
    return first, second

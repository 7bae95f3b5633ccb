"""Small BPMN documents built in code for API and engine tests."""

from __future__ import annotations

from xml.sax.saxutils import escape

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="test">'
)


def user_task(task_id: str, name: str, *, form_key: str | None = None, props: dict[str, str] | None = None) -> str:
    items = dict(props or {})
    if form_key:
        items["formKey"] = form_key
    ext = ""
    if items:
        inner = "".join(
            f'<spiffworkflow:property name="{k}" value="{escape(v, {chr(34): "&quot;"})}"/>' for k, v in items.items()
        )
        ext = (
            f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties>"
            "</bpmn:extensionElements>"
        )
    return f'<bpmn:userTask id="{task_id}" name="{name}">{ext}</bpmn:userTask>'


def two_step(
    key: str = "two_step",
    *,
    lane: str = "cs_agents",
    second_lane: str = "quality",
    script: str = "result = 'done'",
    name: str = "Two step",
) -> bytes:
    """start -> First (lane) -> script -> Second (second_lane) -> end."""
    xml = (
        f'{HEAD}<bpmn:process id="{key}" name="{name}" isExecutable="true">'
        '<bpmn:laneSet id="ls">'
        f'<bpmn:lane id="lane_a" name="{lane}"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>'
        "<bpmn:flowNodeRef>first</bpmn:flowNodeRef><bpmn:flowNodeRef>script</bpmn:flowNodeRef></bpmn:lane>"
        f'<bpmn:lane id="lane_b" name="{second_lane}"><bpmn:flowNodeRef>second</bpmn:flowNodeRef>'
        "<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"
        '<bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="first"/>'
        + user_task("first", "First step", form_key="test_first")
        + '<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="script"/>'
        f'<bpmn:scriptTask id="script" name="Compute"><bpmn:script>{escape(script)}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f3" sourceRef="script" targetRef="second"/>'
        + user_task("second", "Second step")
        + '<bpmn:sequenceFlow id="f4" sourceRef="second" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>'
    )
    return xml.encode()


def with_service(key: str, operation: str, params: dict[str, str]) -> bytes:
    """start -> service task(operation) -> user task -> end."""
    param_xml = "".join(
        f'<spiffworkflow:parameter id="{k}" type="any" value="{escape(v, {chr(34): "&quot;"})}"/>'
        for k, v in params.items()
    )
    xml = (
        f'{HEAD}<bpmn:process id="{key}" name="Service" isExecutable="true">'
        '<bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="svc"/>'
        f'<bpmn:serviceTask id="svc" name="Call"><bpmn:extensionElements>'
        f'<spiffworkflow:serviceTaskOperator id="{operation}" resultVariable="svc_result">'
        f"<spiffworkflow:parameters>{param_xml}</spiffworkflow:parameters>"
        "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
        '<bpmn:sequenceFlow id="f2" sourceRef="svc" targetRef="after"/>'
        + user_task("after", "After", props={"candidateGroups": "cs_agents"})
        + '<bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>'
    )
    return xml.encode()

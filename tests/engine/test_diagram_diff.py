"""The element-level diff of two versions of a diagram (``app.engine.diagram_diff``): matched by id,
compared by what the element means when it runs, the layout (BPMN DI) and formatting ignored."""

from __future__ import annotations

import re

import pytest

from app.engine.diagram_diff import diff_diagrams
from app.errors import Invalid

BASE = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="t">
  <bpmn:collaboration id="collab"><bpmn:participant id="pool" processRef="proc"/></bpmn:collaboration>
  <bpmn:process id="proc" name="Proc" isExecutable="true">
    <bpmn:laneSet id="ls">
      <bpmn:lane id="lane_a" name="cs_agents"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>reply</bpmn:flowNodeRef><bpmn:flowNodeRef>gw</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>calc</bpmn:flowNodeRef></bpmn:lane>
      <bpmn:lane id="lane_b" name="cs_supervisors"><bpmn:flowNodeRef>review</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply"/>
    <bpmn:userTask id="reply" name="Reply">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="formKey" value="reply_form"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:boundaryEvent id="late" name="Late" attachedToRef="reply" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT24H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="calc"/>
    <bpmn:serviceTask id="calc" name="Calculate">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="sla_deadlines" resultVariable="sla">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="grade" type="any" value="grade"/>
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="gw"/>
    <bpmn:exclusiveGateway id="gw" name="Amount?" default="f5"/>
    <bpmn:sequenceFlow id="f4" sourceRef="gw" targetRef="review">
      <bpmn:conditionExpression>amount &gt; 500</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f5" sourceRef="gw" targetRef="end"/>
    <bpmn:userTask id="review" name="Review"/>
    <bpmn:sequenceFlow id="f6" sourceRef="review" targetRef="end"/>
    <bpmn:scriptTask id="note" name="Note"><bpmn:script>noted = True</bpmn:script></bpmn:scriptTask>
    <bpmn:subProcess id="sub" name="Sub">
      <bpmn:startEvent id="sub_start"/><bpmn:task id="sub_task" name="Inner"/>
    </bpmn:subProcess>
    <bpmn:endEvent id="end"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d"><bpmndi:BPMNPlane id="p" bpmnElement="collab">
    <bpmndi:BPMNShape id="reply_di" bpmnElement="reply"><dc:Bounds x="100" y="80" width="100" height="80"/>
    </bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def changed(after: str) -> dict[str, list[str]]:
    diff = diff_diagrams(BASE, after, "proc")
    assert diff.added == diff.removed == []
    return diff.details


def test_the_same_diagram_and_a_new_layout_or_formatting_are_no_change():
    assert diff_diagrams(BASE, BASE, "proc").empty
    moved = re.sub(r'x="(\d+)"', lambda m: f'x="{int(m.group(1)) + 40}"', BASE).replace('width="100"', 'width="140"')
    reformatted = re.sub(r">\s+<", "><", moved).replace("<!-- -->", "")
    assert moved != BASE and diff_diagrams(BASE, reformatted, "proc").empty


def test_an_attribute_spelled_out_at_its_bpmn_default_is_no_change():
    """bpmn-js leaves out cancelActivity="true", startQuantity="1" and the like; a file may spell them out."""
    spelled = BASE.replace(
        '<bpmn:userTask id="review" name="Review"/>',
        ('<bpmn:userTask id="review" name="Review" startQuantity="1" isForCompensation="false"/>'),
    ).replace('<bpmn:startEvent id="start">', '<bpmn:startEvent id="start" isInterrupting="true">')
    assert diff_diagrams(BASE, spelled, "proc").empty
    interrupting = BASE.replace('cancelActivity="false"', 'cancelActivity="true"')
    assert diff_diagrams(interrupting, interrupting.replace(' cancelActivity="true"', ""), "proc").empty
    assert changed(BASE.replace(' cancelActivity="false"', "")) == {"late": ["interrupting"]}


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('name="Reply"', 'name="Reply to the customer"', {"reply": ["name"]}),
        ("PT24H", "PT48H", {"late": ["timer"]}),
        ('cancelActivity="false"', 'cancelActivity="true"', {"late": ["interrupting"]}),
        ("amount &gt; 500", "amount &gt; 800", {"f4": ["condition"]}),
        ('value="reply_form"', 'value="reply_form_v2"', {"reply": ["form"]}),
        ('id="sla_deadlines"', 'id="sla_deadlines_v2"', {"calc": ["handler"]}),
        ('<spiffworkflow:parameter id="grade" type="any" value="grade"/>', "", {"calc": ["handler"]}),
        ("noted = True", "noted = False", {"note": ["script"]}),
        (
            '<bpmn:task id="sub_task" name="Inner"/>',
            '<bpmn:task id="sub_task" name="Inner step"/>',
            {"sub_task": ["name"]},
        ),
        (
            '<bpmn:userTask id="review" name="Review"/>',
            '<bpmn:manualTask id="review" name="Review"/>',
            {"review": ["type"]},
        ),
        ('default="f5"', 'default="f4"', {"gw": ["flows"]}),
        (
            'name="cs_supervisors"',
            'name="complaint_managers"',
            {"lane_b": ["name"], "review": ["lane"], "end": ["lane"]},
        ),
    ],
)
def test_each_change_is_named_at_its_element_by_aspect(old, new, expected):
    assert old in BASE
    assert changed(BASE.replace(old, new)) == expected


def test_a_moved_flow_changes_the_flow_and_the_elements_it_lists():
    after = BASE.replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="calc"/>',
        '<bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="gw"/>',
    )
    assert changed(after) == {"f2": ["flows"]}
    after = BASE.replace("<bpmn:outgoing>f2</bpmn:outgoing>", "<bpmn:outgoing>f9</bpmn:outgoing>")
    assert changed(after) == {"reply": ["flows"]}


def test_added_and_removed_elements_with_names_and_types():
    after = BASE.replace(
        '<bpmn:scriptTask id="note" name="Note"><bpmn:script>noted = True</bpmn:script></bpmn:scriptTask>', ""
    )
    after = after.replace(
        '<bpmn:endEvent id="end"/>',
        '<bpmn:endEvent id="end"/><bpmn:userTask id="call" name="Call back"/>'
        '<bpmn:boundaryEvent id="remind" attachedToRef="review"><bpmn:timerEventDefinition>'
        "<bpmn:timeDuration>PT2H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>",
    )
    diff = diff_diagrams(BASE, after, "proc")
    assert (diff.added, diff.removed, diff.changed) == (["call", "remind"], ["note"], [])
    assert diff.names == {"call": "Call back", "note": "Note"}
    assert diff.types == {"call": "userTask", "remind": "boundaryEvent", "note": "scriptTask"}


def test_the_process_is_found_by_its_key():
    two = BASE.replace(
        "</bpmn:definitions>", '<bpmn:process id="other"><bpmn:task id="x"/></bpmn:process></bpmn:definitions>'
    )
    assert diff_diagrams(two, two, "proc").empty
    with pytest.raises(Invalid):
        diff_diagrams(two, two, "missing")


CAMUNDA = (
    '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
    'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="t">'
    '<bpmn:process id="proc" isExecutable="true"><bpmn:startEvent id="start"/>'
    '<bpmn:userTask id="reply" name="Reply" camunda:formKey="reply" camunda:candidateGroups="cs_agents" '
    'camunda:assignee="${starter}" camunda:dueDate="P1D"/></bpmn:process></bpmn:definitions>'
)


@pytest.mark.parametrize(
    ("old", "new", "aspect"),
    [
        ('camunda:formKey="reply"', 'camunda:formKey="reply_v2"', "form"),
        ('camunda:candidateGroups="cs_agents"', 'camunda:candidateGroups="cs_supervisors"', "group"),
        ('camunda:assignee="${starter}"', 'camunda:assignee="${manager}"', "assignee"),
        ('camunda:dueDate="P1D"', 'camunda:dueDate="P2D"', "timer"),
    ],
)
def test_camunda_modeler_attributes_are_named_by_what_they_mean(old, new, aspect):
    diff = diff_diagrams(CAMUNDA, CAMUNDA.replace(old, new), "proc")
    assert diff.details == {"reply": [aspect]}


def test_the_collaboration_its_pools_and_message_flows_are_elements_too():
    pool = '<bpmn:participant id="pool" processRef="proc"/>'
    customer = '<bpmn:participant id="customer" name="Customer"/>'
    letter = '<bpmn:messageFlow id="letter" name="Letter" sourceRef="customer" targetRef="reply"/>'
    with_customer = BASE.replace(pool, pool + customer + letter)
    diff = diff_diagrams(BASE, with_customer, "proc")
    assert (diff.added, diff.removed, diff.changed) == (["customer", "letter"], [], [])
    assert diff.types == {"customer": "participant", "letter": "messageFlow"}
    assert diff.names == {"customer": "Customer", "letter": "Letter"}
    moved = with_customer.replace(letter, letter.replace('"reply"', '"review"')).replace('"Customer"', '"Client"')
    diff = diff_diagrams(with_customer, moved, "proc")
    assert diff.details == {"customer": ["name"], "letter": ["flows"]}
    repointed = with_customer.replace(customer, '<bpmn:participant id="customer" name="Customer" processRef="c"/>')
    assert diff_diagrams(with_customer, repointed, "proc").details == {"customer": ["process"]}
    # a diagram without a collaboration: the collaboration and its pool were added
    alone = re.sub(r"<bpmn:collaboration.*?</bpmn:collaboration>", "", BASE)
    diff = diff_diagrams(alone, BASE, "proc")
    assert (diff.added, diff.types) == (["collab", "pool"], {"collab": "collaboration", "pool": "participant"})

"""Timer diagrams built in code for timer tests."""

from __future__ import annotations

from tests.diagrams import HEAD, user_task


def boundary(key: str, value: str, *, interrupting: bool, tag: str = "timeDuration") -> bytes:
    """reply (cs_agents) with a boundary timer; the timer path leads to 'escalated' (cs_supervisors)."""
    cancel = "true" if interrupting else "false"
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply"/>'
        + user_task("reply", "Reply", props={"candidateGroups": "cs_agents"})
        + f'<bpmn:boundaryEvent id="late" name="Reply late" attachedToRef="reply" cancelActivity="{cancel}">'
        f"<bpmn:timerEventDefinition><bpmn:{tag}>{value}</bpmn:{tag}></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="end"/><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="late" targetRef="escalated"/>'
        + user_task("escalated", "Escalated", props={"candidateGroups": "cs_supervisors"})
        + '<bpmn:sequenceFlow id="f4" sourceRef="escalated" targetRef="end2"/><bpmn:endEvent id="end2"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def reminder_and_breach(key: str) -> bytes:
    """reply with a non-interrupting reminder at PT18H and an interrupting breach at PT24H."""
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="reply"/>'
        + user_task("reply", "Reply", props={"candidateGroups": "cs_agents"})
        + '<bpmn:boundaryEvent id="reminder" name="Reminder" attachedToRef="reply" cancelActivity="false">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>PT18H</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        '<bpmn:boundaryEvent id="breach" name="Breach" attachedToRef="reply" cancelActivity="true">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>PT24H</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="end"/><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="reminder" targetRef="note"/>'
        '<bpmn:scriptTask id="note" name="Note reminder"><bpmn:script>reminded = now_iso()</bpmn:script>'
        "</bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="f4" sourceRef="note" targetRef="end3"/><bpmn:endEvent id="end3"/>'
        '<bpmn:sequenceFlow id="f5" sourceRef="breach" targetRef="escalated"/>'
        + user_task("escalated", "Escalated", props={"candidateGroups": "cs_supervisors"})
        + '<bpmn:sequenceFlow id="f6" sourceRef="escalated" targetRef="end2"/><bpmn:endEvent id="end2"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def intermediate(key: str, value: str, tag: str = "timeDuration") -> bytes:
    """start -> wait (intermediate timer) -> after (user task)."""
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait"/>'
        f'<bpmn:intermediateCatchEvent id="wait" name="Wait"><bpmn:timerEventDefinition><bpmn:{tag}>{value}'
        f"</bpmn:{tag}></bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="after"/>'
        + user_task("after", "After", props={"candidateGroups": "cs_agents"})
        + '<bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def cycle(key: str, value: str) -> bytes:
    """reply with a non-interrupting cycle timer whose path counts reminders."""
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="init"/>'
        '<bpmn:scriptTask id="init"><bpmn:script>reminders = 0</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f1" sourceRef="init" targetRef="reply"/>'
        + user_task("reply", "Reply", props={"candidateGroups": "cs_agents"})
        + '<bpmn:boundaryEvent id="nag" name="Nag" attachedToRef="reply" cancelActivity="false">'
        f"<bpmn:timerEventDefinition><bpmn:timeCycle>{value}</bpmn:timeCycle></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="reply" targetRef="end"/><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="nag" targetRef="end3"/><bpmn:endEvent id="end3"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def timer_start(key: str, cycle_value: str, *, script: str = "runs = 1") -> bytes:
    """A process started by a cycle timer; each start runs a script and creates a review task."""
    return (
        f'{HEAD}<bpmn:process id="{key}" name="Daily review" isExecutable="true">'
        '<bpmn:startEvent id="tick" name="Every day"><bpmn:timerEventDefinition>'
        f"<bpmn:timeCycle>{cycle_value}</bpmn:timeCycle></bpmn:timerEventDefinition></bpmn:startEvent>"
        '<bpmn:sequenceFlow id="f1" sourceRef="tick" targetRef="count"/>'
        f'<bpmn:scriptTask id="count"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f2" sourceRef="count" targetRef="review"/>'
        + user_task("review", "Review open complaints", props={"candidateGroups": "cs_supervisors"})
        + '<bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/><bpmn:endEvent id="end"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()


def subprocess_deadline(key: str) -> bytes:
    """A user task inside an embedded subprocess whose boundary timer (P2D) is the deadline."""
    return (
        f'{HEAD}<bpmn:process id="{key}" isExecutable="true"><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="handling"/>'
        '<bpmn:subProcess id="handling" name="Handling"><bpmn:startEvent id="s_start"/>'
        '<bpmn:sequenceFlow id="s1" sourceRef="s_start" targetRef="work"/>'
        + user_task("work", "Work", props={"candidateGroups": "quality"})
        + '<bpmn:sequenceFlow id="s2" sourceRef="work" targetRef="s_end"/><bpmn:endEvent id="s_end"/>'
        "</bpmn:subProcess>"
        '<bpmn:boundaryEvent id="handling_late" attachedToRef="handling" cancelActivity="false">'
        "<bpmn:timerEventDefinition><bpmn:timeDuration>P2D</bpmn:timeDuration></bpmn:timerEventDefinition>"
        "</bpmn:boundaryEvent>"
        '<bpmn:sequenceFlow id="f2" sourceRef="handling" targetRef="end"/><bpmn:endEvent id="end"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="handling_late" targetRef="end2"/><bpmn:endEvent id="end2"/>'
        "</bpmn:process></bpmn:definitions>"
    ).encode()

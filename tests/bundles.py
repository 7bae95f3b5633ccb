"""Deployment bundles built in code: a one-task diagram, its form, a decision table, a multipart deploy."""

from __future__ import annotations

import json
from io import BytesIO
from typing import Any

from sqlalchemy import func, select

from app.models import DefinitionFile, ProcessDefinition
from tests.diagrams import HEAD, user_task

DMN = b"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="rules" name="Rules" namespace="test">
  <decision id="approval_level" name="Approval level">
    <decisionTable id="table">
      <input id="in_amount" label="Amount">
        <inputExpression id="amount_expr" typeRef="number"><text>amount</text></inputExpression>
      </input>
      <output id="out_level" name="level" typeRef="string"/>
      <rule id="small"><inputEntry id="small_in"><text>&lt;= 500</text></inputEntry>
        <outputEntry id="small_out"><text>"manager"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>
"""


def diagram(key: str, *, name: str = "Bundle test") -> bytes:
    """start -> Review (cs_agents, form ``<key>_review``) -> end."""
    return (
        f'{HEAD}<bpmn:process id="{key}" name="{name}" isExecutable="true">'
        '<bpmn:laneSet id="ls"><bpmn:lane id="lane_a" name="cs_agents"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>'
        "<bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane>"
        '</bpmn:laneSet><bpmn:startEvent id="start"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review"/>'
        + user_task("review", "Review", form_key=f"{key}_review")
        + '<bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="end"/>'
        '<bpmn:endEvent id="end"/></bpmn:process></bpmn:definitions>'
    ).encode()


def review_form(label: str = "Decision", *, required: tuple[str, ...] = ("decision",)) -> bytes:
    return json.dumps(
        {
            "type": "object",
            "title": "Review",
            "properties": {
                "decision": {"type": "string", "title": label, "enum": ["accept", "reject"]},
                "reason": {"type": "string", "title": "Reason"},
            },
            "required": list(required),
        }
    ).encode()


def deploy_bundle(api: Any, files: list[tuple[str, bytes]], *, note: str | None = None, expect: int = 201) -> Any:
    data: dict[str, Any] = {"file": [(BytesIO(content), name) for name, content in files]}
    if note is not None:
        data["note"] = note
    r = api.client.post(
        "/api/v1/process-definitions", headers=api.headers, data=data, content_type="multipart/form-data"
    )
    assert r.status_code == expect, r.get_data(as_text=True)[:1500]
    return r.get_json()


def stored(rt: Any) -> tuple[int, int]:
    with rt.sessions() as s:
        return (
            s.scalar(select(func.count()).select_from(ProcessDefinition)) or 0,
            s.scalar(select(func.count()).select_from(DefinitionFile)) or 0,
        )

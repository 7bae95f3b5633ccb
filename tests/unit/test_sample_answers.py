"""Sample answers generated from the forms' JSON Schemas: every form in forms/ gets one its own
validator accepts, at the run's virtual time."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.clock import clock
from app.services.forms import validate_against
from app.services.sample_answers import SAMPLE_EMAIL, SAMPLE_PHONE, sample_answer

FORMS = sorted((Path(__file__).resolve().parents[2] / "forms").glob("*.json"))
LATER = datetime(2027, 3, 8, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai"))  # after today: x-not-future reads the pin


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_every_form_gets_an_answer_it_accepts(path: Path) -> None:
    schema = json.loads(path.read_text(encoding="utf-8"))
    with clock.pinned(LATER):
        answer = sample_answer(schema, LATER)
        validate_against(schema, answer)
    assert set(schema.get("required", [])) <= set(answer)


def test_values_follow_the_schema() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "decision": {"type": "string", "enum": ["approved", "rejected"]},
            "fixed": {"type": "boolean", "const": False},
            "hours": {"type": "integer", "minimum": 4, "maximum": 72},
            "amount": {"type": "number", "exclusiveMinimum": 0},
            "on": {"type": "string", "format": "date"},
            "at": {"type": "string", "format": "date-time"},
            "mail": {"type": "string", "format": "email"},
            "phone": {"type": "string", "pattern": "^(1[3-9]\\d{9}|0\\d{2,3}-?\\d{7,8})$"},
            "note": {"type": "string", "minLength": 20, "maxLength": 40},
            "photo": {"type": "string", "format": "attachment"},
            "photos": {"type": "array", "items": {"type": "string", "format": "attachment"}},
            "optional": {"type": "string"},
        },
        "required": ["decision", "fixed", "hours", "amount", "on", "at", "mail", "phone", "note", "photo", "photos"],
    }
    answer = sample_answer(schema, LATER)
    assert answer["decision"] == "approved" and answer["fixed"] is False
    assert answer["hours"] == 4 and answer["amount"] == 0.5
    assert answer["on"] == "2027-03-08" and answer["at"] == "2027-03-08T10:30:00+08:00"
    assert answer["mail"] == SAMPLE_EMAIL and answer["phone"] == SAMPLE_PHONE
    assert 20 <= len(answer["note"]) <= 40
    assert answer["photos"] == []
    assert "optional" not in answer
    assert answer["photo"] == "simulated-attachment-1"  # a placeholder id: a run has no files
    with clock.pinned(LATER):
        validate_against(schema, answer)


def test_conditions_are_followed() -> None:
    schema = json.loads((FORMS[0].parent / "confirm_record.json").read_text(encoding="utf-8"))
    answer = sample_answer(schema, LATER)
    assert answer["acceptance_decision"] == "accepted"
    assert "promised_reply_hours" in answer  # required once the complaint is accepted

"""The form editor's checks and preview (``POST /api/v1/forms/preview``): every form of forms/ is
clean and drawn in both languages by the task page's renderer; each kind of broken form is
refused at the field it concerns; hostile bodies get a 4xx."""

from __future__ import annotations

import copy
import html
import json
from pathlib import Path
from typing import Any

import pytest

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _form(key: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((FORMS / f"{key}.json").read_text(encoding="utf-8"))
    return loaded


def _preview(api: Any, schema: Any, expect: int = 200) -> Any:
    return api.post("/forms/preview", json={"schema": schema}, expect=expect)


@pytest.mark.parametrize("key", sorted(p.stem for p in FORMS.glob("*.json")))
def test_every_product_form_is_clean_and_drawn_in_both_languages(login, key):
    schema = _form(key)
    answer = _preview(login("analyst"), schema)
    assert answer["valid"] is True and answer["errors"] == [] and answer["warnings"] == [], answer
    zh, en = html.unescape(answer["html"]["zh"]), html.unescape(answer["html"]["en"])
    for name, prop in schema["properties"].items():
        assert f'data-field="{name}"' in zh or f'name="{name}' in zh, name
        assert prop["x-title-zh"] in zh and prop["title"] in en, name


def test_choices_are_labelled_in_each_language(login):
    answer = _preview(login("admin"), _form("propose_solution"))
    assert "换货" in answer["html"]["zh"] and "Replacement" in answer["html"]["en"]
    assert "Replacement" not in answer["html"]["zh"]


def _problems(answer: dict[str, Any], kind: str = "errors") -> list[tuple[str, str]]:
    return [(p["field"], p["message"]) for p in answer[kind]]


def test_a_schema_that_is_not_json_schema_is_refused_where_it_is_wrong(login):
    schema = _form("investigate")
    schema["properties"]["root_cause"]["type"] = "text"
    answer = _preview(login("analyst"), schema)
    assert answer["valid"] is False and answer["html"] is None
    [(field, message)] = _problems(answer)
    assert field == "properties.root_cause.type" and "not a valid JSON Schema" in message


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (lambda s: s["required"].append("ghost"), "required", "'ghost' is not a field"),
        (lambda s: s.update(type="array"), "type", "a form is an object"),
        (
            lambda s: s["properties"]["responsibility"]["x-enum-titles"].update(alien={"en": "A", "zh": "甲"}),
            "responsibility",
            "'alien', which is not one of the choices",
        ),
        (lambda s: s["properties"]["root_cause"].update(format="colour"), "root_cause", "format 'colour'"),
        (lambda s: s["properties"]["root_cause"].update({"x-widget": "slider"}), "root_cause", "x-widget 'slider'"),
        (lambda s: s["allOf"][0]["then"]["required"].append("nowhere"), "allOf.0", "'nowhere', which is not"),
        (lambda s: s["allOf"][0]["if"]["properties"].update(ghost={"const": 1}), "allOf.0", "'ghost'"),
    ],
    ids=["required-unknown", "not-object", "enum-label-unknown", "format", "widget", "then-unknown", "if-unknown"],
)
def test_each_broken_form_is_refused_at_its_field(login, change, field, words):
    schema = copy.deepcopy(_form("investigate"))
    change(schema)
    answer = _preview(login("analyst"), schema)
    assert answer["valid"] is False and answer["html"] is None
    assert any(f == field and words in m for f, m in _problems(answer)), answer["errors"]


def test_missing_labels_are_warnings_and_the_form_is_still_drawn(login):
    schema = copy.deepcopy(_form("investigate"))
    del schema["properties"]["root_cause"]["x-title-zh"]
    del schema["properties"]["responsibility"]["x-enum-titles"]["company"]["zh"]
    del schema["properties"]["responsibility"]["x-enum-titles"]["supplier"]
    answer = _preview(login("analyst"), schema)
    assert answer["valid"] is True and answer["html"]["en"]
    warnings = _problems(answer, "warnings")
    assert ("root_cause", "the field 'root_cause' has no Chinese title (x-title-zh)") in warnings
    assert ("responsibility", "choice 'company' has no zh label") in warnings
    assert ("responsibility", "choice 'supplier' has no label") in warnings


def test_too_many_fields_is_refused(login):
    schema = {"type": "object", "properties": {f"f{i}": {"type": "string"} for i in range(201)}}
    answer = _preview(login("analyst"), schema)
    assert answer["valid"] is False and "at most 200 fields" in answer["errors"][0]["message"]


def test_bodies_that_are_not_a_form(login):
    analyst = login("analyst")
    assert _preview(analyst, ["not", "an", "object"])["errors"] == [
        {"field": "(root)", "message": "a form is a JSON object"}
    ]
    missing = analyst.post("/forms/preview", json={"form": {}}, expect=422)
    assert missing["error"]["details"] == [{"field": "schema", "message": "required"}]
    analyst.post("/forms/preview", data="{", headers={"Content-Type": "application/json"}, expect=400)
    analyst.post("/forms/preview", data="<x/>", headers={"Content-Type": "application/xml"}, expect=415)
    deep: Any = {}
    node = deep
    for _ in range(200):
        node["properties"] = {"a": {}}
        node = node["properties"]["a"]
    analyst.post("/forms/preview", json={"schema": deep}, expect=422)


def test_a_form_label_cannot_inject_markup_into_the_preview(login):
    schema = copy.deepcopy(_form("investigate"))
    schema["properties"]["root_cause"]["title"] = '<img src=x onerror="alert(1)">'
    answer = _preview(login("analyst"), schema)
    assert "<img" not in answer["html"]["en"] and "&lt;img" in answer["html"]["en"]


def test_handlers_may_not_use_the_preview(login):
    login("agent").post("/forms/preview", json={"schema": {}}, expect=403)


def test_openapi_documents_the_preview(client):
    op = client.get("/api/v1/openapi.json").get_json()["paths"]["/forms/preview"]["post"]
    assert {"200", "401", "403", "415", "422"} <= set(op["responses"])

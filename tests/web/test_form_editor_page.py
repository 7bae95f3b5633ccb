"""The form editor page without JavaScript: it opens a product form (or a blank one) as JSON,
and "Check" answers the same checks and the same two-language preview as the editor's script."""

from __future__ import annotations

import html
import json
import re

from tests.web.test_console_pages import text_of


def _textarea(page: str) -> str:
    found = re.search(r'<textarea id="schema-json" name="schema"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no JSON text area"
    return html.unescape(found.group(1))


def test_the_editor_opens_a_product_form_as_json(web_login):
    page = web_login("analyst").text("/workbench/forms/edit?form=investigate")
    assert json.loads(_textarea(page))["properties"]["root_cause"]["x-title-zh"] == "原因分析"
    assert 'src="/web-static/js/form_editor.js' in page and "data-preview-url=" in page


def test_an_unknown_form_opens_blank_and_a_bad_key_is_refused(web_login):
    analyst = web_login("analyst")
    blank = json.loads(_textarea(analyst.text("/workbench/forms/edit?form=no_such_form")))
    assert blank["type"] == "object" and blank["properties"] == {}
    page = analyst.text("/workbench/forms/edit?form=../../etc/passwd", expect=422)
    assert "form" in text_of(page)


def test_check_shows_the_problems_and_keeps_the_text(web_login):
    analyst = web_login("analyst")
    analyst.get("/workbench/forms/edit")
    broken = '{"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]}'
    page = analyst.post("/workbench/forms/check", {"schema": broken}, expect=200).get_data(as_text=True)
    assert "required field 'b' is not a field of the form" in text_of(page)
    assert _textarea(page) == broken
    assert 'class="pane-body"></div>' in page  # nothing drawn for a form that cannot be used
    page = analyst.post("/workbench/forms/check", {"schema": "{nope"}, expect=200).get_data(as_text=True)
    assert "not JSON" in text_of(page)


def test_check_draws_a_good_form_in_both_languages(web_login):
    analyst = web_login("admin")
    analyst.get("/workbench/forms/edit")
    schema = {
        "type": "object",
        "title": "Callback",
        "x-title-zh": "回电",
        "properties": {"when": {"type": "string", "format": "date", "title": "Call on", "x-title-zh": "回电日期"}},
    }
    page = analyst.post("/workbench/forms/check", {"schema": json.dumps(schema)}, expect=200).get_data(as_text=True)
    zh = re.search(r'id="preview-zh".*?</div>\s*</div>', page, re.S)
    en = re.search(r'id="preview-en".*?</div>\s*</div>', page, re.S)
    assert zh and "回电日期" in zh.group(0) and 'type="date"' in zh.group(0)
    assert en and "Call on" in en.group(0)
    assert "No problems found." in page or "未发现问题" in page


def test_the_decision_editor_names_its_table_and_refuses_bad_arguments(web_login):
    analyst = web_login("analyst")
    page = analyst.text("/workbench/decisions/edit?key=complaint_handling&version=1&name=approval_authority.dmn")
    assert (
        'data-source="/api/v1/process-definitions/complaint_handling/versions/1/files/approval_authority.dmn"' in page
    )
    assert 'id="save-table"' not in page  # a deployed version is read, not written
    page = analyst.text("/workbench/decisions/edit?draft=7&name=approval_authority.dmn")
    assert 'data-source="/api/v1/drafts/7/files/approval_authority.dmn"' in page and 'id="save-table"' in page
    for query in ("name=../x.dmn&draft=1", "name=a.bpmn&draft=1", "name=a.dmn", "name=a.dmn&key=k&version=0"):
        assert analyst.get(f"/workbench/decisions/edit?{query}", expect=422)


def test_the_editor_opens_a_form_of_the_analysts_draft(web_login, login):
    source = {"process_key": "complaint_handling", "version": 1}
    draft = login("analyst").post("/drafts", json={"from": source}, expect=201)
    analyst = web_login("analyst")
    page = analyst.text(f"/workbench/forms/edit?draft={draft['id']}&name=forms/confirm_record.json")
    assert json.loads(_textarea(page))["x-title-zh"] and 'id="save-form"' in page
    new = json.loads(_textarea(analyst.text(f"/workbench/forms/edit?draft={draft['id']}&name=forms/new_step.json")))
    assert new["properties"] == {}  # a form the draft does not have yet starts blank
    analyst.get(f"/workbench/forms/edit?draft={draft['id']}&name=x.bpmn", expect=422)
    analyst.get("/workbench/forms/edit?draft=999999999&name=forms/a.json", expect=404)
    login("analyst").call("DELETE", f"/drafts/{draft['id']}", expect=204)


def test_the_workbench_links_each_table_and_form_of_a_draft_to_its_editor(web_login, login):
    source = {"process_key": "complaint_handling", "version": 1}
    draft = login("analyst").post("/drafts", json={"from": source}, expect=201)
    page = web_login("analyst").text("/workbench")
    row = re.search(rf'<tr id="draft-{draft["id"]}".*?</tr>', page, re.S)
    assert row, "no row for the draft"
    links = html.unescape(row.group(0))
    assert f"/workbench/decisions/edit?draft={draft['id']}&name=approval_authority.dmn" in links
    assert f"/workbench/forms/edit?draft={draft['id']}&name=forms/approve_solution.json" in links
    login("analyst").call("DELETE", f"/drafts/{draft['id']}", expect=204)

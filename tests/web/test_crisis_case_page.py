"""The case page of a parent whose call activity runs ``crisis_response`` (another diagram) says
which version of it the case runs."""

from __future__ import annotations

from tests.crisis_steps import FACTS, parent_diagram, start_parent


def test_the_case_page_names_the_called_process_and_its_version(login, web_login):
    login("analyst").deploy(parent_diagram())
    crisis = start_parent(login, FACTS)
    page = web_login("admin", lang="en").text(f"/instances/{crisis.id}")
    assert 'class="called-version" data-process="crisis_response">Calls <code>crisis_response</code> v1' in page
    assert "调用 <code>crisis_response</code> v1" in web_login("admin").text(f"/instances/{crisis.id}")

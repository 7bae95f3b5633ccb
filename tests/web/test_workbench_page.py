"""The workbench landing page without a script: the analyst's drafts, creating one from a deployed
version, blank or uploaded, deleting one; refusals shown on the page in the page's language."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from app.models import Draft
from app.services import deployments
from tests.diagrams import two_step
from tests.workbench.drafts_kit import OTHER_ANALYST, _no_drafts, blank, other_analyst  # noqa: F401  (fixtures)

COMPLAINT = "complaint_handling"


def _drafts(rt) -> list[tuple[str, str, str | None, int | None]]:
    with rt.sessions() as s:
        rows = s.execute(select(Draft.owner, Draft.name, Draft.process_key, Draft.base_version).order_by(Draft.id))
        return [tuple(r) for r in rows]


@pytest.mark.usefixtures("other_analyst")
def test_the_page_lists_only_the_analysts_own_drafts_with_links_to_open_and_download(web_login, login):
    mine = blank(login("analyst"), "我的草稿")
    blank(login(OTHER_ANALYST), "someone else's")
    page = web_login("analyst", lang="en").text("/workbench")
    assert "我的草稿" in page and "someone else" not in page
    row = re.search(rf'<tr id="draft-{mine["id"]}".*?</tr>', page, re.S)
    assert row is not None
    assert f'href="/workbench/drafts/{mine["id"]}"' in row.group(0)
    assert f'href="/api/v1/drafts/{mine["id"]}/download"' in row.group(0)
    assert f"<code>{mine['process_key']}</code>" in row.group(0) and ">new<" in row.group(0)
    assert 'id="nav-workbench" aria-current="page"' in page
    for heading in ("New draft from a deployed version", "New blank diagram", "Upload .bpmn"):
        assert heading in page
    assert "新建空白流程图" in web_login("analyst", lang="zh").text("/workbench")


def test_creating_drafts_from_a_version_blank_and_an_upload_with_plain_forms(web_login, rt):
    user = web_login("analyst", lang="en")
    user.get("/workbench")
    r = user.post("/workbench/drafts", {"source": "version", "process_key": COMPLAINT, "version": ""})
    assert r.status_code == 302 and r.headers["Location"].startswith("/workbench#draft-")
    r = user.post("/workbench/drafts", {"source": "blank", "name": "空白 blank"})
    assert r.status_code == 302
    r = user.post("/workbench/drafts", {"source": "upload", "file": (io.BytesIO(two_step("web_upload")), "上传.bpmn")})
    assert r.status_code == 302
    drafts = _drafts(rt)
    with rt.sessions() as s:
        latest = deployments.latest_definition(s, COMPLAINT)
        assert latest is not None
        assert drafts[0] == ("analyst", f"{latest.name} v{latest.version}", COMPLAINT, latest.version)
    assert drafts[1][:2] == ("analyst", "空白 blank") and drafts[1][2].startswith("Process_")
    assert drafts[2] == ("analyst", "上传", "web_upload", None)
    page = user.text("/workbench")
    assert "Draft “上传” created." in page
    names = re.findall(r'<td class="draft-name"><a href="[^"]+">([^<]+)</a>', page)
    assert names == ["上传", "空白 blank", drafts[0][1]]  # newest first


def test_refusals_are_shown_on_the_page_in_its_language(web_login, rt):
    user = web_login("analyst", lang="zh")
    user.get("/workbench")
    r = user.post("/workbench/drafts", {"source": "blank", "name": " "})
    assert r.status_code == 422 and "请为草稿命名" in r.get_data(as_text=True)
    r = user.post("/workbench/drafts", {"source": "version", "process_key": COMPLAINT, "version": "99"})
    assert r.status_code == 404 and "该流程没有这个版本。" in r.get_data(as_text=True)
    r = user.post("/workbench/drafts", {"source": "upload", "file": (io.BytesIO(b"<not xml"), "x.bpmn")})
    assert r.status_code == 422 and "该文件不是格式正确的 XML。" in r.get_data(as_text=True)
    r = user.post("/workbench/drafts", {"source": "upload"})
    assert r.status_code == 422 and "请选择要上传的 .bpmn 文件。" in r.get_data(as_text=True)
    assert _drafts(rt) == []


def test_deleting_a_draft_from_the_page_under_its_lock_version(web_login, login, rt):
    api = login("analyst")
    draft = blank(api, "to delete")
    user = web_login("analyst", lang="en")
    user.get("/workbench")
    api.call("PATCH", f"/drafts/{draft['id']}", json={"name": "renamed meanwhile"}, headers={"If-Match": "1"})
    stale = user.post(f"/workbench/drafts/{draft['id']}/delete", {"lock_version": "1"})
    assert stale.status_code == 409 and "The draft changed since this page was shown" in stale.get_data(as_text=True)
    done = user.post(f"/workbench/drafts/{draft['id']}/delete", {"lock_version": "2"})
    assert done.status_code == 302 and _drafts(rt) == []
    assert 'id="no-drafts"' in user.text("/workbench")


def test_other_roles_are_refused_and_analysts_land_on_the_workbench(web_login, login):
    draft = blank(login("analyst"))
    agent = web_login("agent", lang="en")
    assert agent.get("/workbench", expect=403)
    assert agent.post("/workbench/drafts", {"source": "blank", "name": "x"}).status_code == 403
    admin = web_login("admin", lang="en")
    assert "nav-workbench" in admin.text("/workbench")
    assert admin.post(f"/workbench/drafts/{draft['id']}/delete", {"lock_version": "1"}).status_code == 403
    analyst = web_login("analyst", lang="en")
    assert analyst.get("/", expect=302).headers["Location"] == "/workbench"

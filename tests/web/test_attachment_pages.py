"""Evidence on the pages: the case page's list and upload form, the task page's list, uploads
sent with the intake and task forms (no script), and the upload script's JSON endpoints."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from app.models import Attachment, ProcessInstance, TaskRecord
from tests.evidence import png, upload_photo
from tests.web.conftest import INTAKE_FORM

HTML_AS_JPG = b"<!doctype html><script>alert(1)</script>"


def photo(name="photo.png", body=None):
    return (io.BytesIO(body if body is not None else png()), name)


def attachments_of(rt, instance_id):
    with rt.sessions() as s:
        return list(s.scalars(select(Attachment).where(Attachment.instance_id == instance_id).order_by(Attachment.id)))


def count(rt, model) -> int:
    with rt.sessions() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_case_page_lists_files_with_thumbnails_and_offers_the_upload_form(web_login, register_complaint, login):
    instance_id = register_complaint()
    photo_id = upload_photo(login("agent"), instance_id, "破损包装.png")
    page = web_login("agent", lang="en").text(f"/instances/{instance_id}")
    section = page[page.index('id="attachments"') :]
    assert f'<img src="/api/v1/attachments/{photo_id}"' in section
    assert "破损包装.png" in section and "agent" in section
    assert f'action="/instances/{instance_id}/attachments"' in section and 'enctype="multipart/form-data"' in section
    assert "/web-static/js/attachments.js" in page


def test_upload_from_the_case_page_without_the_script(rt, web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent")
    r = agent.post(
        f"/instances/{instance_id}/attachments", {"file": [photo("a.png"), photo("b.png")], "note": "门店"}, expect=302
    )
    assert r.headers["Location"].endswith(f"/instances/{instance_id}")
    rows = attachments_of(rt, instance_id)
    assert [(a.filename, a.note, a.uploaded_by) for a in rows] == [
        ("a.png", "门店", "agent"),
        ("b.png", "门店", "agent"),
    ]
    assert "2 个文件已上传。" in agent.text(f"/instances/{instance_id}")


def test_the_upload_script_gets_json_and_the_task_is_recorded(rt, web_login, register_complaint):
    instance_id = register_complaint()
    with rt.sessions() as s:
        task = s.scalars(select(TaskRecord).where(TaskRecord.instance_id == instance_id)).one()
        task_id, element_id = task.id, task.element_id
    agent = web_login("agent")
    r = agent.client.post(
        f"/instances/{instance_id}/attachments",
        data={"csrf_token": agent.token, "file": photo("x.png"), "task_id": task_id},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 201, r.get_data(as_text=True)
    [item] = r.get_json()
    assert item["url"] == f"/api/v1/attachments/{item['id']}" and item["is_image"] is True
    assert item["label"].startswith("x.png (") and (item["task_id"], item["element_id"]) == (task_id, element_id)
    r = agent.client.post(
        f"/instances/{instance_id}/attachments",
        data={"csrf_token": agent.token, "file": photo("x.jpg", HTML_AS_JPG)},
        headers={"Accept": "application/json"},
    )
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "attachment_type_refused"


def test_web_uploads_need_the_csrf_token_and_a_case_the_user_sees(rt, web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent")
    r = agent.client.post(f"/instances/{instance_id}/attachments", data={"file": photo()})
    assert r.status_code == 400
    hr = web_login("hr")
    hr.post(f"/instances/{instance_id}/attachments", {"file": photo()}, expect=404)
    agent.post(f"/instances/{instance_id}/attachments", {"note": "no file"}, expect=400)
    assert attachments_of(rt, instance_id) == []


def test_the_api_refuses_a_session_upload_without_the_csrf_header(web_login, register_complaint):
    instance_id = register_complaint()
    agent = web_login("agent")
    path = f"/api/v1/process-instances/{instance_id}/attachments"
    r = agent.client.post(path, data={"file": photo()}, content_type="multipart/form-data")
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "csrf_failed"
    token = agent.client.get("/api/v1/me").get_json()["csrf_token"]
    r = agent.client.post(
        path, data={"file": photo()}, content_type="multipart/form-data", headers={"X-CSRF-Token": token}
    )
    assert r.status_code == 201


def test_intake_files_sent_with_the_form_belong_to_the_new_case(rt, web_login):
    agent = web_login("agent")
    page = agent.text("/start/complaint_handling")
    assert 'id="f-evidence"' in page and 'type="file"' in page and 'enctype="multipart/form-data"' in page
    assert 'data-upload-url="/attachments"' in page
    r = agent.post("/start/complaint_handling", {**INTAKE_FORM, "evidence": photo("现场照片.png")}, expect=302)
    instance_id = int(r.headers["Location"].rsplit("/", 1)[1])
    [row] = attachments_of(rt, instance_id)
    assert (row.filename, row.content_type, row.uploaded_by) == ("现场照片.png", "image/png", "agent")
    with rt.sessions() as s:
        assert s.get(ProcessInstance, instance_id).variables["evidence"] == [str(row.id)]


def test_intake_files_uploaded_by_the_script_are_claimed_by_the_registration(rt, web_login):
    agent = web_login("agent")
    agent.get("/start/complaint_handling")
    r = agent.client.post(
        "/attachments", data={"csrf_token": agent.token, "file": photo()}, headers={"Accept": "application/json"}
    )
    assert r.status_code == 201
    pending = r.get_json()[0]
    assert pending["instance_id"] is None
    r = agent.post("/start/complaint_handling", {**INTAKE_FORM, "evidence": str(pending["id"])}, expect=302)
    instance_id = int(r.headers["Location"].rsplit("/", 1)[1])
    assert [a.id for a in attachments_of(rt, instance_id)] == [pending["id"]]


def test_a_refused_intake_file_is_reported_on_its_field_and_nothing_is_kept(rt, web_login):
    agent = web_login("agent", lang="en")
    instances, files = count(rt, ProcessInstance), count(rt, Attachment)
    r = agent.post("/start/complaint_handling", {**INTAKE_FORM, "evidence": photo("x.jpg", HTML_AS_JPG)}, expect=422)
    page = r.get_data(as_text=True)
    block = page[page.index('data-field="evidence"') :]
    error = re.search(r'class="field-error"[^>]*>([^<]*)<', block)
    assert error and "x.jpg: Only JPEG, PNG, WebP, PDF, MP3, M4A or WAV files are accepted." in error.group(1)
    assert (count(rt, ProcessInstance), count(rt, Attachment)) == (instances, files)


def test_a_refused_ticked_id_keeps_the_form_and_names_the_field(rt, web_login, register_complaint, login):
    other = register_complaint()
    foreign = upload_photo(login("agent"), other, "other.png")
    agent = web_login("agent")
    r = agent.post("/start/complaint_handling", {**INTAKE_FORM, "evidence": foreign}, expect=422)
    page = r.get_data(as_text=True)
    assert f'name="evidence" value="{foreign}" checked' in page  # shown again, as "#id"
    assert 'class="field-error"' in page[page.index('data-field="evidence"') :]


def test_every_task_page_of_the_case_lists_its_files(web_login, register_complaint, login, rt):
    instance_id = register_complaint()
    photo_id = upload_photo(login("agent"), instance_id)
    with rt.sessions() as s:
        task_id = s.scalars(select(TaskRecord.id).where(TaskRecord.instance_id == instance_id)).one()
    page = web_login("agent").text(f"/tasks/{task_id}")
    assert f'<img src="/api/v1/attachments/{photo_id}"' in page
    assert 'enctype="multipart/form-data"' in page


def test_a_closed_case_offers_no_upload(rt, web_login, register_complaint):
    instance_id = register_complaint()
    with rt.sessions() as s:
        s.get(ProcessInstance, instance_id).status = "terminated"
        s.commit()
    agent = web_login("agent")
    assert f'action="/instances/{instance_id}/attachments"' not in agent.text(f"/instances/{instance_id}")
    r = agent.post(f"/instances/{instance_id}/attachments", {"file": photo()}, expect=409)
    assert "不再接收新的证据" in r.get_data(as_text=True)

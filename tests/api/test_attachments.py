"""Contract "Attachments (evidence)": upload, list, download, and every error status they list."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.models import Attachment, AuditEntry, ProcessInstance
from app.services import attachments
from tests.diagrams import two_step
from tests.evidence import ACCEPTED, REFUSED, png


@pytest.fixture
def case(login):
    """A running two-step case registered by the agent (its first task is the cs_agents')."""
    login("analyst").deploy(two_step("flow"))
    return login("agent").post("/process-instances", json={"process_key": "flow", "variables": {}}, expect=201)


def upload(api, instance_id, body, filename="photo.png", *, note=None, expect=201, content_type="image/png"):
    data = {"file": (io.BytesIO(body), filename, content_type)}
    if note is not None:
        data["note"] = note
    return api.post(
        f"/process-instances/{instance_id}/attachments", data=data, content_type="multipart/form-data", expect=expect
    )


def download(api, attachment_id):
    """GET the file's bytes; the response is closed (its file handle released) before returning."""
    r = api.client.get(f"/api/v1/attachments/{attachment_id}", headers=api.headers)
    r.get_data()
    r.close()
    return r


def stored_files(rt) -> list[Path]:
    return [p for p in Path(rt.settings.attachments_dir).rglob("*") if p.is_file()]


def test_upload_answers_the_contract_shape_judged_from_content(login, case):
    body = png()
    # the name and the client's type say text; the bytes say PNG
    a = upload(login("agent"), case["id"], body, "证据照片.txt", note="包装破损", content_type="text/plain")
    assert set(a) >= {"id", "filename", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"}
    assert a["content_type"] == "image/png"
    assert (a["size"], a["sha256"]) == (len(body), hashlib.sha256(body).hexdigest())
    assert (a["filename"], a["uploaded_by"], a["note"]) == ("证据照片.txt", "agent", "包装破损")
    assert a["instance_id"] == case["id"]
    assert a["uploaded_at"].endswith("+00:00")


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_every_accepted_kind_is_stored_with_its_sniffed_type(login, case, name):
    body, expected = ACCEPTED[name]
    assert (
        upload(login("agent"), case["id"], body, name, content_type="application/octet-stream")["content_type"]
        == expected
    )


@pytest.mark.parametrize("kind", sorted(REFUSED))
def test_refused_kinds_are_422_naming_file_and_nothing_is_kept(login, case, rt, kind):
    filename, body = REFUSED[kind]
    before = stored_files(rt)
    err = upload(login("agent"), case["id"], body, filename, content_type="image/jpeg", expect=422)
    assert err["error"]["code"] == "attachment_type_refused"
    assert err["error"]["details"][0]["field"] == "file"
    assert stored_files(rt) == before
    assert login("agent").get(f"/process-instances/{case['id']}/attachments", expect=200) == []


def test_an_html_file_renamed_jpg_is_refused(login, case):
    html = b"<html><body><img src=x onerror=alert(document.cookie)></body></html>"
    err = upload(login("agent"), case["id"], html, "photo.jpg", content_type="image/jpeg", expect=422)
    assert err["error"]["details"] == [{"field": "file", "message": "not a JPEG, PNG, WebP, PDF, MP3, M4A or WAV file"}]


def test_a_polyglot_must_start_as_what_it_claims(login, case):
    # JPEG bytes after an HTML prefix: not a JPEG
    upload(login("agent"), case["id"], b"<html>" + ACCEPTED["photo.jpg"][0], "x.jpg", expect=422)


def test_list_in_upload_order_and_download_headers(login, case):
    agent = login("agent")
    first = upload(agent, case["id"], png(rgb=(1, 2, 3)), "第一张 照片.png")
    second = upload(agent, case["id"], ACCEPTED["letter.pdf"][0], "letter.pdf")
    listed = agent.get(f"/process-instances/{case['id']}/attachments", expect=200)
    assert [a["id"] for a in listed] == [first["id"], second["id"]]
    r = download(agent, first["id"])
    assert r.status_code == 200 and r.data == png(rgb=(1, 2, 3))
    assert r.headers["Content-Type"] == "image/png"
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('第一张 照片.png')}" in disposition
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in r.headers["Content-Security-Policy"]
    pdf = download(agent, second["id"])
    assert (
        pdf.headers["Content-Type"] == "application/pdf" and "filename=letter.pdf" in pdf.headers["Content-Disposition"]
    )


def test_an_outsider_gets_404_for_everything_of_the_case(login, case):
    a = upload(login("agent"), case["id"], png())
    hr = login("hr")  # not in cs_agents, not involved in the case
    for path in (f"/attachments/{a['id']}", f"/process-instances/{case['id']}/attachments"):
        err = hr.get(path, expect=404)
        assert err["error"]["code"] == "not_found"
    upload(hr, case["id"], png(), expect=404)
    # the same answer as for what does not exist at all
    assert hr.get("/attachments/987654321", expect=404) == login("agent").get("/attachments/987654321", expect=404)
    assert hr.get(f"/process-instances/{case['id']}/attachments", expect=404) == hr.get(
        "/process-instances/987654321/attachments", expect=404
    )
    login(None).get(f"/attachments/{a['id']}", expect=401)
    upload(login(None), case["id"], png(), expect=401)


def test_someone_who_may_see_the_case_may_upload_and_download(login, case):
    a = upload(login("agent2"), case["id"], png())  # another cs agent: customer service sees every case
    assert download(login("supervisor"), a["id"]).data == png()


def test_over_the_size_limit_is_413(login, case, rt, monkeypatch):
    monkeypatch.setattr(rt.settings, "attachment_max_bytes", 1000)
    err = upload(login("agent"), case["id"], png() + b"\x00" * 2000, expect=413)
    assert err["error"]["code"] == "attachment_too_large"
    assert err["error"]["details"][0]["field"] == "file"
    assert upload(login("agent"), case["id"], png())["size"] == len(png())


def test_a_body_over_the_upload_request_limit_is_413_before_any_view(login, case, app, monkeypatch):
    assert app.config["UPLOAD_MAX_CONTENT_LENGTH"] == 20 * 1024 * 1024 + 256 * 1024  # the default limit
    monkeypatch.setitem(app.config, "UPLOAD_MAX_CONTENT_LENGTH", 4096)
    err = upload(login("agent"), case["id"], png() + b"\x00" * 8192, expect=413)
    assert err["error"]["code"] == "payload_too_large"


def test_the_upload_route_accepts_more_than_the_general_body_limit(login, case, app):
    big = png() + b"\x00" * (app.config["MAX_CONTENT_LENGTH"] + 1024)
    # encoded in memory: the test client would spool a body this large to a file it never closes
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(big), "big.png")})
    content_type = f"multipart/form-data; boundary={boundary}"
    path = f"/process-instances/{case['id']}/attachments"
    assert login("agent").post(path, data=body, content_type=content_type, expect=201)["size"] == len(big)


def test_missing_or_repeated_file_is_400_and_a_json_body_415(login, case):
    agent = login("agent")
    path = f"/process-instances/{case['id']}/attachments"
    err = agent.post(path, data={"note": "x"}, content_type="multipart/form-data", expect=400)
    assert err["error"]["details"][0]["field"] == "file"
    two = {"file": [(io.BytesIO(png()), "a.png"), (io.BytesIO(png()), "b.png")]}
    agent.post(path, data=two, content_type="multipart/form-data", expect=400)
    assert agent.post(path, json={"file": "x"}, expect=415)["error"]["code"] == "unsupported_media_type"


def test_an_archived_case_takes_no_new_evidence_but_keeps_its_files(login, case, rt):
    a = upload(login("agent"), case["id"], png())
    with rt.sessions() as s:
        s.get(ProcessInstance, case["id"]).status = "terminated"
        s.commit()
    err = upload(login("agent"), case["id"], png(), expect=409)
    assert err["error"]["code"] == "instance_closed"
    kept = login("agent").get(f"/process-instances/{case['id']}/attachments", expect=200)
    assert [x["id"] for x in kept] == [a["id"]]


def test_each_upload_is_in_the_case_history(login, case, rt):
    a = upload(login("agent"), case["id"], png(), "a.png", note="门店拍摄")
    history = login("agent").get(f"/process-instances/{case['id']}", expect=200)["history"]
    entry = next(h for h in history if h["type"] == "attachment_added")
    assert entry["actor"] == "agent"
    with rt.sessions() as s:
        row = s.scalars(select(AuditEntry).where(AuditEntry.type == "attachment_added")).one()
        assert row.detail == {
            "attachment_id": a["id"],
            "filename": "a.png",
            "size": a["size"],
            "sha256": a["sha256"],
            "note": "门店拍摄",
        }


def test_file_names_are_display_names_only_and_files_are_named_by_key(login, case, rt):
    a = upload(login("agent"), case["id"], png(), "../../etc/passwd\u202e.png")
    assert a["filename"] == "passwd.png"
    with rt.sessions() as s:
        row = s.get(Attachment, a["id"])
        key = row.storage_key
    assert len(key) == 32 and all(c in "0123456789abcdef" for c in key)
    path = Path(rt.settings.attachments_dir) / key[:2] / key
    assert path.read_bytes() == png()
    assert not list(Path(rt.settings.attachments_dir).rglob(".upload-*"))  # no temporary file left


def test_pending_intake_uploads_are_seen_only_by_their_uploader(login, rt):
    agent = login("agent")
    a = agent.post(
        "/attachments", data={"file": (io.BytesIO(png()), "intake.png")}, content_type="multipart/form-data", expect=201
    )
    assert a["instance_id"] is None
    assert download(agent, a["id"]).status_code == 200
    login("agent2").get(f"/attachments/{a['id']}", expect=404)
    login("admin").get(f"/attachments/{a['id']}", expect=404)
    with rt.sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.type == "attachment_added")) == 0


def test_the_openapi_document_describes_the_attachment_paths(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/process-instances/{id}/attachments"]["post"]
    assert {"201", "404", "413", "422"} <= set(post["responses"])
    assert "file" in post["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]
    assert "404" in doc["paths"]["/attachments/{id}"]["get"]["responses"]
    assert "200" in doc["paths"]["/process-instances/{id}/attachments"]["get"]["responses"]


def test_an_upload_may_name_the_task_it_belongs_to(login, case):
    agent = login("agent")
    [task] = agent.get(f"/tasks?instance_id={case['id']}", expect=200)
    data = {"file": (io.BytesIO(png()), "a.png"), "task_id": task["id"]}
    a = agent.post(
        f"/process-instances/{case['id']}/attachments", data=data, content_type="multipart/form-data", expect=201
    )
    assert (a["task_id"], a["element_id"]) == (task["id"], task["element_id"])
    data = {"file": (io.BytesIO(png()), "a.png"), "task_id": "no-such-task"}
    err = agent.post(
        f"/process-instances/{case['id']}/attachments", data=data, content_type="multipart/form-data", expect=404
    )
    assert err["error"]["details"][0]["field"] == "task_id"


def test_a_case_and_a_users_waiting_uploads_are_capped(login, case, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_PER_INSTANCE", 2)
    monkeypatch.setattr(attachments, "MAX_PENDING_PER_USER", 1)
    agent = login("agent")
    upload(agent, case["id"], png())
    upload(agent, case["id"], png())
    assert upload(agent, case["id"], png(), expect=409)["error"]["code"] == "too_many_attachments"
    assert len(agent.get(f"/process-instances/{case['id']}/attachments", expect=200)) == 2
    pending = {"file": (io.BytesIO(png()), "a.png")}
    agent.post("/attachments", data=pending, content_type="multipart/form-data", expect=201)
    pending = {"file": (io.BytesIO(png()), "b.png")}
    err = agent.post("/attachments", data=pending, content_type="multipart/form-data", expect=409)
    assert err["error"]["code"] == "too_many_attachments"

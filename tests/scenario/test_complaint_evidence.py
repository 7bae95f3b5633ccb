"""Attachment form fields on the complaint: the investigation's photos and the intake's evidence
cite attachment ids of the same case (at intake: the registering user's pending uploads)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.models import Attachment, ProcessInstance
from tests.evidence import png, upload_photo
from tests.scenario.conftest import INTAKE, PROCESS


def pending_upload(api, filename="intake.png"):
    return api.post(
        "/attachments", data={"file": (io.BytesIO(png()), filename)}, content_type="multipart/form-data", expect=201
    )


def test_the_investigation_cites_photos_of_its_own_case(complaint):
    run = complaint()
    task = run.drive(until="Task_Investigate")
    photo = upload_photo(run.login("quality"), run.instance_id, "defect.png")
    data = {**run.data_for("Task_Investigate"), "evidence_photos": [photo]}
    inst = run.complete(task, data=data)
    assert inst["variables"]["evidence_photos"] == [photo]


@pytest.mark.parametrize("kind", ["other_case", "unknown", "not_an_id", "pending_upload"])
def test_the_investigation_refuses_ids_that_are_not_this_cases(complaint, login, kind):
    other = complaint()
    other.start()
    ids = {
        "other_case": lambda: upload_photo(login("agent"), other.instance_id),
        "unknown": lambda: "987654321",
        "not_an_id": lambda: "photo-1.jpg",
        "pending_upload": lambda: str(pending_upload(login("quality"))["id"]),
    }
    run = complaint()
    task = run.drive(until="Task_Investigate")
    before = run.instance()
    data = {**run.data_for("Task_Investigate"), "evidence_photos": [ids[kind]()]}
    err = login("quality").post(f"/tasks/{task['id']}/complete", json={"data": data}, expect=422)
    assert [d["field"] for d in err["error"]["details"]] == ["evidence_photos"]
    after = run.instance()
    assert after["tasks"] == before["tasks"] and after["status"] == "running"  # nothing half-applied


def test_intake_evidence_is_uploaded_first_and_claimed_by_the_start(login, rt):
    agent = login("agent")
    photo = pending_upload(agent, "现场.png")
    created = agent.post(
        "/process-instances",
        json={"process_key": PROCESS, "variables": {**INTAKE, "evidence": [str(photo["id"])]}},
        expect=201,
    )
    listed = agent.get(f"/process-instances/{created['id']}/attachments", expect=200)
    assert [(a["id"], a["filename"], a["instance_id"]) for a in listed] == [(photo["id"], "现场.png", created["id"])]
    inst = agent.get(f"/process-instances/{created['id']}", expect=200)
    assert inst["variables"]["evidence"] == [str(photo["id"])]
    added = [h for h in inst["history"] if h["type"] == "attachment_added"]
    assert len(added) == 1 and added[0]["actor"] == "agent"
    # bound once: the same id cannot be claimed by a second registration
    err = agent.post(
        "/process-instances",
        json={"process_key": PROCESS, "variables": {**INTAKE, "evidence": [str(photo["id"])]}},
        expect=422,
    )
    assert err["error"]["details"][0]["field"] == "evidence"


def test_intake_cannot_claim_someone_elses_upload(login, rt):
    theirs = pending_upload(login("agent2"))
    with rt.sessions() as s:
        before = s.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id.desc()).limit(1))
    err = login("agent").post(
        "/process-instances",
        json={"process_key": PROCESS, "variables": {**INTAKE, "evidence": [str(theirs["id"])]}},
        expect=422,
    )
    assert err["error"]["details"] == [
        {"field": "evidence", "message": f"no attachment {theirs['id']} in your uploads for this registration"}
    ]
    with rt.sessions() as s:
        assert s.scalar(select(ProcessInstance.id).order_by(ProcessInstance.id.desc()).limit(1)) == before
        assert s.get(Attachment, theirs["id"]).instance_id is None

"""Analyst drafts: bundles (a diagram, its decision tables and forms) edited on the server, not deployed.

A draft belongs to the analyst who made it: nobody else sees it (404), except an admin, who may
read every draft but change only their own. Every change goes through the draft's optimistic
lock (``lock_version``, sent back as ``If-Match``): two tabs or two people never silently
overwrite each other. Deploying a draft leaves it in place; its owner decides when to delete it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from app.clock import utcnow
from app.engine import parse_untrusted
from app.engine.draft_documents import executable_process_ids
from app.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionRequired
from app.models import Draft, DraftFile, ProcessDefinition, User
from app.models.definition_files import DMN, FORM
from app.runtime import Runtime
from app.services import definition_files, deployments, publishing
from app.services.bundles import Bundle, BundleFile
from app.services.deployments import Deployed
from app.services.draft_files import MAX_FILES, check_name, checked_content, kind_of

LIST_LIMIT = 100  # the workbench lists at most this many drafts, newest first
MAX_DRAFTS = 200  # per analyst
MAX_NAME = 200
BLANK_DIAGRAM = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" \
xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" \
xmlns:di="http://www.omg.org/spec/DD/20100524/DI" id="Definitions_{suffix}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" name="{name}" isExecutable="true">
    <bpmn:startEvent id="StartEvent_1"><bpmn:outgoing>Flow_1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="Flow_1" sourceRef="StartEvent_1" targetRef="EndEvent_1"/>
    <bpmn:endEvent id="EndEvent_1"><bpmn:incoming>Flow_1</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="BPMNDiagram_1">
    <bpmndi:BPMNPlane id="BPMNPlane_1" bpmnElement="{key}">
      <bpmndi:BPMNShape id="StartEvent_1_di" bpmnElement="StartEvent_1">
        <dc:Bounds x="152" y="102" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="EndEvent_1_di" bpmnElement="EndEvent_1">
        <dc:Bounds x="352" y="102" width="36" height="36"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="Flow_1_di" bpmnElement="Flow_1">
        <di:waypoint x="188" y="120"/>
        <di:waypoint x="352" y="120"/>
      </bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""


@dataclass(frozen=True)
class DraftSummary:
    draft: Draft
    files: list[str]


# --- reading ---------------------------------------------------------------------------------
def list_mine(session: Session, user: User, limit: int = LIST_LIMIT) -> list[DraftSummary]:
    """The user's drafts, most recently changed first, at most ``limit``, each with its file names
    (two index-backed queries, however many drafts and files there are)."""
    drafts = list(
        session.scalars(
            select(Draft)
            .where(Draft.owner == user.username)
            .order_by(Draft.updated_at.desc(), Draft.id.desc())
            .limit(min(limit, LIST_LIMIT))
        )
    )
    names = file_names(session, [d.id for d in drafts])
    return [DraftSummary(d, names.get(d.id, [])) for d in drafts]


def file_names(session: Session, draft_ids: list[int]) -> dict[int, list[str]]:
    """The file names of each draft, sorted (at most ``MAX_FILES`` per draft)."""
    if not draft_ids:
        return {}
    rows = session.execute(
        select(DraftFile.draft_id, DraftFile.name).where(DraftFile.draft_id.in_(draft_ids)).order_by(DraftFile.name)
    )
    found: dict[int, list[str]] = {}
    for draft_id, name in rows:
        found.setdefault(draft_id, []).append(name)
    return found


def get(session: Session, user: User, draft_id: int, *, change: bool = False) -> Draft:
    """The draft ``draft_id`` as ``user`` may use it: 404 unless theirs (an admin reads any draft);
    ``change``: 403 for an admin changing someone else's."""
    draft = session.get(Draft, draft_id)
    mine = draft is not None and draft.owner == user.username
    if draft is None or not (mine or user.has_role("admin")):
        raise NotFound(f"no draft {draft_id}", code="unknown_draft")
    if change and not mine:
        raise Forbidden(f"draft {draft_id} belongs to {draft.owner}; only its owner changes it", code="not_your_draft")
    return draft


def get_file(session: Session, draft: Draft, name: str) -> DraftFile:
    found = session.scalar(select(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.name == name))
    if found is None:
        raise NotFound(f"draft {draft.id} has no file {name[:200]!r}", code="unknown_draft_file")
    return found


def diagram_file(session: Session, draft: Draft) -> DraftFile:
    """The draft's diagram (its first ``.bpmn`` by name); 404 when it has none."""
    found = session.scalar(
        select(DraftFile)
        .where(DraftFile.draft_id == draft.id, DraftFile.name.like("%.bpmn"))
        .order_by(DraftFile.name)
        .limit(1)
    )
    if found is None:
        raise NotFound(f"draft {draft.id} has no diagram", code="no_diagram")
    return found


# --- the optimistic lock ---------------------------------------------------------------------
def etag(draft: Draft) -> str:
    return f'"{draft.id}-{draft.lock_version}"'


def version_from_if_match(draft: Draft, header: str | None) -> int:
    """The lock version an ``If-Match`` header names: the draft's ETag or its bare ``lock_version``
    (428 without one; 409 if it is not this draft's current one)."""
    if header is None or not header.strip():
        raise PreconditionRequired(
            "send If-Match with the draft's ETag (or its lock_version)",
            code="if_match_required",
            details=[{"field": "If-Match", "message": "required"}],
        )
    for tag in (t.strip() for t in header.split(",")):
        match = re.fullmatch(r'(?:W/)?"?(?:(\d{1,18})-)?(\d{1,18})"?', tag)
        same_draft = match is not None and (match.group(1) is None or int(match.group(1)) == draft.id)
        if same_draft and match is not None and int(match.group(2)) == draft.lock_version:
            return draft.lock_version
    raise _changed(draft)


def _changed(draft: Draft) -> Conflict:
    return Conflict(
        "the draft changed since you read it (another tab or person saved it); reload and try again",
        code="draft_changed",
        details=[{"field": "If-Match", "message": f"current is {etag(draft)}", "lock_version": draft.lock_version}],
    )


def _save(session: Session) -> None:
    """Flush a change under the lock: a save that raced another one since the If-Match check is a 409 too."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(
            "the draft was changed at the same moment by another tab or person; reload and try again",
            code="draft_changed",
        ) from None


def _touch(draft: Draft, seen_version: int | None) -> None:
    if seen_version is not None and seen_version != draft.lock_version:
        raise _changed(draft)
    draft.updated_at = utcnow()  # the UPDATE carries "WHERE lock_version = seen" (version_id_col)


# --- creating --------------------------------------------------------------------------------
def check_draft_name(name: object, field: str = "name") -> str:
    text = name.strip() if isinstance(name, str) else ""
    if not text or len(text) > MAX_NAME or any(ord(c) < 32 for c in text) or "\x7f" in text:
        raise Invalid(
            f"a draft needs a name of 1 to {MAX_NAME} characters",
            code="bad_draft_name",
            details=[{"field": field, "message": f"1 to {MAX_NAME} printable characters"}],
        )
    return text


def _new(session: Session, user: User, name: str, process_key: str | None, base_version: int | None) -> Draft:
    count = session.scalar(select(func.count()).select_from(Draft).where(Draft.owner == user.username)) or 0
    if count >= MAX_DRAFTS:
        raise Conflict(
            f"you have {count} drafts, the most one analyst keeps; delete some first", code="too_many_drafts"
        )
    now = utcnow()
    draft = Draft(
        owner=user.username,
        name=check_draft_name(name),
        process_key=process_key,
        base_version=base_version,
        created_at=now,
        updated_at=now,
    )
    session.add(draft)
    session.flush()
    return draft


def _add_file(session: Session, draft: Draft, name: str, text: str) -> None:
    session.add(DraftFile(draft_id=draft.id, name=name, content=text, updated_at=utcnow()))


def create_from_version(rt: Runtime, session: Session, user: User, key: str, version: int, name: str | None) -> Draft:
    """A draft holding a copy of a deployed version: its diagram and the files that go with it."""
    definition = deployments.get_version(session, key, version)
    draft = _new(session, user, name or f"{definition.name[: MAX_NAME - 12]} v{version}", key, version)
    for file in version_files(session, definition):
        _add_file(session, draft, file.name, file.content.decode("utf-8"))
    session.flush()
    return draft


def version_files(session: Session, definition: ProcessDefinition) -> list[BundleFile]:
    """The files a deployed version is edited from: its diagram and the forms and decision tables
    the version owns (a version deployed before bundles owns none: its forms come from the
    ``forms/`` folder when it is deployed again)."""
    files = [BundleFile(f"{definition.key}.bpmn", definition.xml.encode("utf-8"))]
    for kind in (DMN, FORM):
        owned = definition_files.contents(session, definition.id, kind)
        files += [BundleFile(name, text.encode("utf-8")) for name, text in sorted(owned.items()) if check_name_ok(name)]
    return files[:MAX_FILES]


def check_name_ok(name: str) -> bool:
    try:
        check_name(name)
    except Invalid:
        return False
    return True


def create_from_xml(rt: Runtime, session: Session, user: User, name: str | None, xml: bytes) -> Draft:
    """A draft of an uploaded or pasted diagram (it may not run yet; it must be BPMN XML)."""
    text = checked_content("diagram.bpmn", xml, max_xml_bytes=rt.settings.max_bpmn_bytes)
    processes = executable_process_ids(parse_untrusted(xml, rt.settings.max_bpmn_bytes))
    key = processes[0] if processes and len(processes[0]) <= MAX_NAME else None
    file_name = f"{key}.bpmn" if key and check_name_ok(f"{key}.bpmn") else "diagram.bpmn"
    draft = _new(session, user, name or key or "diagram", key, None)
    _add_file(session, draft, file_name, text)
    session.flush()
    return draft


def create_blank(rt: Runtime, session: Session, user: User, name: str) -> Draft:
    """A draft of a new diagram: one executable process from a start event to an end event, laid out."""
    title = check_draft_name(name)
    suffix = secrets.token_hex(4)
    xml = BLANK_DIAGRAM.format(suffix=suffix, key=f"Process_{suffix}", name=_xml_attribute(title))
    return create_from_xml(rt, session, user, title, xml.encode("utf-8"))


def _xml_attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --- changing --------------------------------------------------------------------------------
def put_file(rt: Runtime, session: Session, draft: Draft, name: str, content: bytes, *, seen_version: int) -> bool:
    """Store a file of the draft (new or replaced); True when it is new."""
    text = checked_content(name, content, max_xml_bytes=rt.settings.max_bpmn_bytes)
    existing = session.scalar(select(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.name == name))
    if existing is None:
        count = session.scalar(select(func.count()).select_from(DraftFile).where(DraftFile.draft_id == draft.id))
        if (count or 0) >= MAX_FILES:
            raise Invalid(
                f"a draft holds at most {MAX_FILES} files",
                code="too_many_files",
                details=[{"file": name, "message": f"the draft already has {count} files"}],
            )
    _touch(draft, seen_version)  # after the reads: the lock's UPDATE is flushed once, by _save
    if existing is not None:
        existing.content = text
        existing.updated_at = draft.updated_at
    else:
        _add_file(session, draft, name, text)
    _save(session)
    return existing is None


def delete_file(session: Session, draft: Draft, name: str, *, seen_version: int) -> None:
    found = get_file(session, draft, name)
    _touch(draft, seen_version)
    session.delete(found)
    _save(session)


def rename(session: Session, draft: Draft, name: object, *, seen_version: int) -> None:
    new_name = check_draft_name(name)
    _touch(draft, seen_version)
    draft.name = new_name
    _save(session)


def delete(session: Session, draft: Draft, *, seen_version: int | None) -> None:
    """Delete the draft and its files (``seen_version`` None: whatever its version)."""
    if seen_version is not None and seen_version != draft.lock_version:
        raise _changed(draft)
    session.delete(draft)
    _save(session)


# --- deploying -------------------------------------------------------------------------------
def bundle_of(session: Session, draft: Draft, note: str | None) -> Bundle:
    files = list(session.scalars(select(DraftFile).where(DraftFile.draft_id == draft.id).order_by(DraftFile.name)))
    by_kind: dict[str, list[BundleFile]] = {"diagram": [], "decision": [], "form": []}
    for f in files:
        by_kind[kind_of(f.name)].append(BundleFile(f.name, f.content.encode("utf-8")))
    if not by_kind["diagram"]:
        raise Invalid(
            "the draft has no diagram to deploy",
            code="no_diagram",
            details=[{"file": None, "message": "add a .bpmn file"}],
        )
    return Bundle(tuple(by_kind["diagram"]), tuple(by_kind["decision"]), tuple(by_kind["form"]), note=note)


def deploy(rt: Runtime, session: Session, draft: Draft, note: str | None, *, actor: str) -> list[Deployed]:
    """Deploy the draft as new versions (422 with the deploy's details when it cannot run); the draft stays."""
    return publish_bundle(rt, session, bundle_of(session, draft, note), actor=actor)


def publish_bundle(rt: Runtime, session: Session, bundle: Bundle, *, actor: str) -> list[Deployed]:
    """The one call that deploys a draft's bundle: its diagrams, decision tables, forms and note."""
    return publishing.publish_bundle(rt, session, bundle, actor=actor)

"""What the drafts tests share: a second analyst, the drafts removed around each test, request helpers."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import delete, select

from app.models import Draft, DraftFile, User
from app.runtime import Runtime
from app.services import people
from tests.conftest import Api

OTHER_ANALYST = "analyst2"


@pytest.fixture(autouse=True)
def _no_drafts(rt: Runtime) -> Iterator[None]:
    """Each test starts and ends without drafts (the session-wide cleanup predates them)."""
    _delete_drafts(rt)
    yield
    _delete_drafts(rt)


def _delete_drafts(rt: Runtime) -> None:
    with rt.sessions() as s:
        s.execute(delete(DraftFile))
        s.execute(delete(Draft))
        s.commit()


@pytest.fixture
def other_analyst(rt: Runtime) -> str:
    with rt.sessions() as s:
        if s.scalar(select(User).where(User.username == OTHER_ANALYST)) is None:
            people.create_user(s, OTHER_ANALYST, OTHER_ANALYST, roles=("analyst",))
            s.commit()
    return OTHER_ANALYST


def blank(api: Api, name: str = "草稿 draft") -> Any:
    return api.post("/drafts", json={"name": name}, expect=201)


def put(api: Api, draft_id: int, name: str, body: bytes | str, if_match: str | None, expect: int | None) -> Any:
    headers = {"If-Match": if_match} if if_match is not None else {}
    return api.call("PUT", f"/drafts/{draft_id}/files/{name}", data=body, headers=headers, expect=expect)


def upload(api: Api, content: bytes, filename: str, expect: int = 201) -> Any:
    return api.post("/drafts", data={"file": (io.BytesIO(content), filename)}, expect=expect)

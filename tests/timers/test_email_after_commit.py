"""Notification e-mail is sent after commit: claimed in one transaction, sent with none open,
each outcome recorded in a transaction of its own (real SMTP server: aiosmtpd on loopback)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import timedelta
from email import message_from_bytes
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, text, update

from app.clock import utcnow
from app.models import Notification
from app.runtime import Runtime
from app.services import email_outbox
from app.services.email_outbox import CLAIM_TIMEOUT, MAX_ATTEMPTS, deliver_emails


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """An SMTP server that, while a message is being received, runs ``during`` (which may use
    the database from another session) and keeps what it returned."""

    def __init__(self, during: Any = None, refuse: bool = False) -> None:
        self.messages: list[bytes] = []
        self.seen: list[Any] = []
        self.during = during
        self.refuse = refuse

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.during is not None:
            self.seen.append(self.during(message_from_bytes(envelope.original_content)))
        if self.refuse:
            return "451 try again later"
        self.messages.append(envelope.original_content)
        return "250 OK"


@pytest.fixture
def smtp(app: Any, rt: Runtime) -> Iterator[Any]:
    """``smtp(sink)`` points the product at a local SMTP server; the background sender is paused
    so that the test's own calls are the only ones."""
    scheduler = app.extensions["scheduler"]
    scheduler.pause_job("deliver_emails")
    saved = (rt.settings.smtp_host, rt.settings.smtp_port)
    controllers: list[Controller] = []

    def _start(sink: Sink) -> Sink:
        controller = Controller(sink, hostname="127.0.0.1", port=_free_port())
        controller.start()
        controllers.append(controller)
        rt.settings.smtp_host, rt.settings.smtp_port = "127.0.0.1", controller.port
        return sink

    yield _start
    rt.settings.smtp_host, rt.settings.smtp_port = saved
    for controller in controllers:
        controller.stop()
    scheduler.resume_job("deliver_emails")


def _notify(rt: Runtime, *users: str, title: str = "投诉升级 Escalated") -> list[int]:
    with rt.sessions() as s:
        rows = [Notification(username=u, kind="escalation", title=title, message="please act") for u in users]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows]


def _rows(rt: Runtime) -> dict[int, Notification]:
    with rt.sessions() as s:
        return {n.id: n for n in s.scalars(select(Notification))}


def _bounded_wait(session: Any) -> None:
    """Give up after 2 s instead of waiting for a lock (so a held lock fails the test, not hangs it)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL lock_timeout = '2s'"))
    else:
        session.connection().exec_driver_sql("PRAGMA busy_timeout = 2000")


def test_no_transaction_or_lock_is_held_while_the_mail_is_sent(rt, smtp):
    [nid] = _notify(rt, "manager")

    def during(_mail: Any) -> tuple[str, int]:
        # another session, while the SMTP conversation is under way: the claim is committed and
        # the row can be changed at once (the sender holds no lock on it)
        with rt.sessions() as s:
            _bounded_wait(s)
            row = s.get(Notification, nid)
            assert row is not None
            seen = (row.email_status, row.email_attempts)
            s.execute(update(Notification).where(Notification.id == nid).values(read_at=utcnow()))
            s.commit()
            if s.get_bind().dialect.name == "sqlite":
                s.connection().exec_driver_sql("PRAGMA busy_timeout = 30000")
            return seen

    sink = smtp(Sink(during))
    assert deliver_emails(rt) == 1
    assert sink.seen == [("sending", 1)]
    mail = message_from_bytes(sink.messages[0])
    assert mail["To"] == "manager@demo.invalid" and "please act" in mail.get_payload()
    row = _rows(rt)[nid]
    # the outcome, and the change made during the send is kept (the record step writes its own columns)
    assert (row.email_status, row.email_attempts, row.email_error) == ("sent", 1, None)
    assert row.emailed_at is not None and row.read_at is not None
    assert deliver_emails(rt) == 0  # sent once


def test_a_refused_message_is_recorded_with_its_reason_and_tried_again_until_the_last_attempt(rt, smtp):
    [nid] = _notify(rt, "pr")
    sink = smtp(Sink(refuse=True))
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_emails(rt) == 1
        row = _rows(rt)[nid]
        assert row.email_attempts == attempt and "451" in (row.email_error or "")
        assert row.email_status == ("pending" if attempt < MAX_ATTEMPTS else "failed")
    assert deliver_emails(rt) == 0  # given up: not sent forever
    sink.refuse = False
    assert sink.messages == []


def test_a_crashed_senders_claim_is_taken_again_after_the_timeout(rt, smtp, flow):
    ids = _notify(rt, "manager", "pr")
    claimed = email_outbox.claim(rt)  # a sender took them, then died before sending
    assert sorted(c.id for c in claimed) == ids
    assert {r.email_status for r in _rows(rt).values()} == {"sending"}
    sink = smtp(Sink())
    assert deliver_emails(rt) == 0  # still someone else's claim
    flow.advance((CLAIM_TIMEOUT + timedelta(seconds=1)).total_seconds())
    assert deliver_emails(rt) == 2
    rows = _rows(rt)
    assert {(r.email_status, r.email_attempts) for r in rows.values()} == {("sent", 2)}
    assert len(sink.messages) == 2
    # the dead sender coming back late cannot overwrite the newer outcome
    assert email_outbox.record(rt, claimed[0], email_outbox.Outcome("failed", "late")) is False
    assert _rows(rt)[claimed[0].id].email_status == "sent"


def test_users_without_an_address_and_a_missing_smtp_server_are_recorded(rt, smtp):
    with rt.sessions() as s:
        s.add(Notification(username="nobody-here", kind="info", title="x", message=""))
        s.commit()
    [nid] = _notify(rt, "agent")
    deliver_emails(rt)  # no SMTP configured in tests: logged
    rows = _rows(rt)
    assert {r.username: r.email_status for r in rows.values()} == {"nobody-here": "none", "agent": "logged"}
    assert rows[nid].email_attempts == 1

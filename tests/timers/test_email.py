"""Notification e-mail through a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import socket
from email import message_from_bytes

from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.models import Notification
from app.services.email_outbox import deliver_emails
from tests.timers.test_notifications import _notify_diagram


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_escalation_e_mails_go_out_through_smtp_once(app, flow, rt):
    scheduler = app.extensions["scheduler"]
    scheduler.pause_job("deliver_emails")  # this test delivers, so that the SMTP setting it sets is the one used
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = (rt.settings.smtp_host, rt.settings.smtp_port)
    rt.settings.smtp_host, rt.settings.smtp_port = "127.0.0.1", controller.port
    try:
        flow.deploy(_notify_diagram("t_mail"))
        flow.start("t_mail", {"case": 9, "registered_by": "agent"})
        flow.advance(24 * 3600 + 1)
        deliver_emails(rt)
        assert deliver_emails(rt) == 0  # nothing is sent twice
    finally:
        rt.settings.smtp_host, rt.settings.smtp_port = saved
        controller.stop()
        scheduler.resume_job("deliver_emails")
    mails = [(rcpts, message_from_bytes(content)) for _, rcpts, content in inbox.messages]
    escalations = [(rcpts, m) for rcpts, m in mails if m["Subject"] == "Reply overdue 9"]
    assert sorted(r for rcpts, _ in escalations for r in rcpts) == [
        "agent@demo.invalid",
        "manager@demo.invalid",
        "pr@demo.invalid",
    ]
    assert all("please act" in m.get_payload() for _, m in escalations)
    # the reply task reached the agents' group: its other member got an e-mail too
    [(to, task_mail)] = [(rcpts, m) for rcpts, m in mails if m["Subject"] != "Reply overdue 9"]
    assert to == ["agent2@demo.invalid"] and "New task" in str(task_mail["Subject"])
    with rt.sessions() as s:
        assert {n.email_status for n in s.scalars(select(Notification))} == {"sent"}

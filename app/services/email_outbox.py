"""Notification e-mail, sent after commit: claim, send outside any transaction, record.

1. **Claim** a batch in a short transaction: pending rows (oldest first) become ``sending`` with
   the claim time and one more attempt, with their address and text read at the same time.
   Rows another sender claimed more than ``CLAIM_TIMEOUT`` ago (it crashed or hung) are
   claimed again. The transaction commits before any mail leaves, so no row lock is held
   while an SMTP server is slow.
2. **Send** each message with no database transaction open.
3. **Record** each outcome in a transaction of its own: ``sent``, ``logged`` (no SMTP
   configured), ``none`` (the user has no address), or the error with the row back to
   ``pending`` for another attempt (``failed`` after ``MAX_ATTEMPTS``). The outcome is only
   written if the row is still this sender's claim, so a late sender never overwrites a newer
   one; a crash between send and record sends that message again (at least once).
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any

from sqlalchemy import select, update

from app.clock import utcnow
from app.models import Notification, User
from app.runtime import Runtime

log = logging.getLogger("app.mail")

CLAIM_TIMEOUT = timedelta(minutes=10)
MAX_ATTEMPTS = 5


@dataclass(frozen=True)
class Claimed:
    """One message a sender took: everything needed to send it without the database."""

    id: int
    address: str | None
    subject: str
    body: str
    claimed_at: datetime
    attempts: int


@dataclass(frozen=True)
class Outcome:
    status: str  # sent | logged | none | failed
    error: str | None = None


def claim(rt: Runtime, *, batch: int = 100) -> list[Claimed]:
    """Mark up to ``batch`` messages as this sender's (``sending``) and commit; returns them."""
    now = utcnow()
    with rt.sessions() as session:
        rows = list(
            session.scalars(
                select(Notification)
                .where(Notification.email_status == "pending")
                .order_by(Notification.id)
                .limit(batch)
                .with_for_update(skip_locked=True)
            )
        )
        if len(rows) < batch:
            rows += session.scalars(
                select(Notification)
                .where(Notification.email_status == "sending", Notification.email_claimed_at < now - CLAIM_TIMEOUT)
                .order_by(Notification.id)
                .limit(batch - len(rows))
                .with_for_update(skip_locked=True)
            )
        if not rows:
            return []
        stmt = select(User.username, User.email).where(User.username.in_({r.username for r in rows}))
        emails = {name: email for name, email in session.execute(stmt)}
        claimed = []
        for row in rows:
            row.email_status, row.email_claimed_at = "sending", now
            row.email_attempts = (row.email_attempts or 0) + 1
            claimed.append(
                Claimed(row.id, emails.get(row.username), row.title, row.message or row.title, now, row.email_attempts)
            )
        session.commit()
    return claimed


def send(settings: Any, message: Claimed) -> Outcome:
    """Send one message (SMTP when ``SMTP_HOST`` is set, else logged); never touches the database."""
    if not message.address:
        return Outcome("none")
    if not settings.smtp_host:
        log.info("e-mail (SMTP not configured) to %s: %s — %s", message.address, message.subject, message.body)
        return Outcome("logged")
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = settings.smtp_sender, message.address, message.subject
    msg.set_content(message.body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=10) as smtp:
            smtp.send_message(msg)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("e-mail %s to %s failed (attempt %s): %s", message.id, message.address, message.attempts, exc)
        return Outcome("failed", f"{type(exc).__name__}: {exc}"[:400])
    return Outcome("sent")


def record(rt: Runtime, message: Claimed, outcome: Outcome) -> bool:
    """Write the outcome in a transaction of its own, if the row is still this claim; a failed
    attempt goes back to the queue until the last one. Returns whether the row was updated."""
    status = outcome.status
    if status == "failed" and message.attempts < MAX_ATTEMPTS:
        status = "pending"
    with rt.sessions() as session:
        result = session.execute(
            update(Notification)
            .where(
                Notification.id == message.id,
                Notification.email_status == "sending",
                Notification.email_claimed_at == message.claimed_at,
            )
            .values(
                email_status=status,
                email_error=outcome.error,
                emailed_at=utcnow() if outcome.status != "failed" else None,
            )
        )
        session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]


def deliver_emails(rt: Runtime, *, batch: int = 100) -> int:
    """Claim, send and record one batch of notification e-mails; returns how many were handled."""
    claimed = claim(rt, batch=batch)
    for message in claimed:
        record(rt, message, send(rt.settings, message))
    return len(claimed)

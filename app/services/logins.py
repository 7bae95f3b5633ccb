"""Logging in: the password check, the lockout after consecutive failures, the audit of failures.

Every attempt verifies one password hash, whether the account exists or not, so the answer
time does not tell which user names exist. A refused attempt changes rows (the failure count,
the audit entry) that the caller must commit even though it answers an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import NotAuthenticated, TooManyAttempts
from app.models import User
from app.services import audit
from app.services.passwords import verify_password

MAX_USERNAME = 64


@dataclass(frozen=True)
class LockoutPolicy:
    """After ``threshold`` consecutive failures the account is locked for ``base_seconds``,
    doubled with each further failure up to ``max_seconds``; ``threshold`` 0 turns it off."""

    threshold: int = 10
    base_seconds: int = 300
    max_seconds: int = 3600

    def lock_for(self, failures: int) -> timedelta | None:
        if self.threshold <= 0 or failures < self.threshold:
            return None
        doublings = min(failures - self.threshold, 20)
        return timedelta(seconds=min(self.base_seconds * 2**doublings, self.max_seconds))


class LoginFailed(NotAuthenticated):
    """Wrong user name or password (the same answer for both)."""


def printable_name(username: str) -> str:
    """The attempted name as it may be stored in the audit: short, printable, valid Unicode."""
    return "".join(ch if ch.isprintable() else "\ufffd" for ch in username[:MAX_USERNAME])


def _account(session: Session, username: str) -> User | None:
    if not username or printable_name(username) != username:
        return None  # no account has such a name; still verified against the dummy hash below
    return session.scalar(select(User).where(User.username == username))


def authenticate(session: Session, username: str, password: str, *, policy: LockoutPolicy, address: str) -> User:
    """The user whose name and password these are; ``LoginFailed`` or ``TooManyAttempts`` otherwise."""
    user = _account(session, username)
    matches = verify_password(user.password_hash if user else None, password)
    now = utcnow()
    if user is not None and user.locked_until is not None and user.locked_until > now:
        _audit(session, username, address, "account_locked")
        minutes = int((user.locked_until - now).total_seconds()) // 60 + 1
        raise TooManyAttempts(
            f"too many failed logins: this account is locked; try again in {minutes} minutes",
            code="account_locked",
            details=[{"field": "username", "message": f"locked until {user.locked_until.isoformat()}"}],
        )
    if matches and user is not None and user.active:
        if user.failed_logins or user.locked_until:
            user.failed_logins, user.locked_until = 0, None
        return user
    detail: dict[str, object] = {}
    if user is not None:
        failures = session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=User.failed_logins + 1)
            .returning(User.failed_logins)
        ).scalar_one()
        lock = policy.lock_for(failures)
        if lock is not None:
            user.locked_until = now + lock
            detail = {"failures": failures, "locked_until": user.locked_until.isoformat()}
    reason = "unknown_user" if user is None else "inactive" if not user.active else "wrong_password"
    _audit(session, username, address, reason, **detail)
    raise LoginFailed("wrong username or password", code="bad_credentials")


def _audit(session: Session, username: str, address: str, reason: str, **extra: object) -> None:
    audit.record(
        session,
        "login_failed",
        instance_id=None,
        actor=printable_name(username),
        detail={"reason": reason, "address": address, **extra},
    )

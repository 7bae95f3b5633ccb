"""``Idempotency-Key`` on instance starts: a retry after a lost answer does not start twice.

A client sends the same key with every retry of one start. The first request reserves the key
(a row unique per user and key) in the same transaction that creates the instance and stores
the answer on it; a later request with the key and the same body gets that answer again, with
the same body to something else gets 422. Two retries racing each other: the second insert
waits for the first transaction, fails on the unique constraint, and answers with what the
first one stored. Keys are forgotten after ``IDEMPOTENCY_KEY_SECONDS`` (24 h by default); a
request that failed stores nothing, so retrying it runs it again.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import utcnow
from app.errors import Conflict, Invalid
from app.models import IdempotencyKey, User

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
_KEY = re.compile(r"[\x21-\x7e]+")  # visible ASCII, as in the IETF draft's examples (UUIDs, ULIDs)


@dataclass(frozen=True)
class Replay:
    """The answer given to the first request with this key."""

    status: int
    body: dict[str, Any]


def check_key(value: str) -> str:
    """The header value, if it is 1-200 visible ASCII characters (422 naming the header otherwise)."""
    if not (0 < len(value) <= MAX_KEY_LENGTH and _KEY.fullmatch(value)):
        raise Invalid(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} visible ASCII characters (e.g. a UUID)",
            code="bad_idempotency_key",
            details=[{"field": HEADER, "message": f"1-{MAX_KEY_LENGTH} visible ASCII characters"}],
        )
    return value


def fingerprint(body: dict[str, Any]) -> str:
    """SHA-256 of the body as canonical JSON: key order and spacing do not matter."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def reserve(
    session: Session, user: User, key: str, body: dict[str, Any], *, ttl_seconds: int
) -> IdempotencyKey | Replay:
    """Reserve ``key`` for this request, or the first answer when it was used before."""
    now = utcnow()
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.expires_at <= now))
    digest = fingerprint(body)
    earlier = _find(session, user, key)
    if earlier is not None:
        return _replay(earlier, digest)
    row = IdempotencyKey(
        user_id=user.id, key=key, fingerprint=digest, created_at=now, expires_at=now + timedelta(seconds=ttl_seconds)
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent request with this key committed first
        earlier = _find(session, user, key)
        if earlier is None:
            raise Conflict(
                f"another request with this {HEADER} is in progress; retry", code="idempotency_key_in_use"
            ) from None
        return _replay(earlier, digest)
    return row


def remember(session: Session, row: IdempotencyKey, instance_id: int, status: int, body: dict[str, Any]) -> None:
    """Store the answer on the reserved key (same transaction as the instance)."""
    row.instance_id, row.status_code, row.response = instance_id, status, body
    session.flush()


def _find(session: Session, user: User, key: str) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey).where(
            IdempotencyKey.user_id == user.id, IdempotencyKey.key == key, IdempotencyKey.expires_at > utcnow()
        )
    )


def _replay(row: IdempotencyKey, digest: str) -> Replay:
    if row.fingerprint != digest:
        raise Invalid(
            f"this {HEADER} was used for a different request; use a new key for a new request",
            code="idempotency_key_reused",
            details=[{"field": HEADER, "message": "already used with another body"}],
        )
    if row.status_code is None or row.response is None:
        raise Conflict(f"the request with this {HEADER} is still in progress; retry", code="idempotency_key_in_use")
    return Replay(status=row.status_code, body=row.response)

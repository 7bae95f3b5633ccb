"""Password hashes, and a check that costs the same whether or not the account exists."""

from __future__ import annotations

import secrets
from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash


def hash_password(password: str) -> str:
    return generate_password_hash(password)


@cache
def _dummy_hash() -> str:
    """A hash of a random password, made like real ones, to verify against for unknown users."""
    return generate_password_hash(secrets.token_urlsafe(24))


def encodable(text: str) -> bool:
    """Whether ``text`` is valid Unicode (a lone surrogate cannot be hashed, nor stored)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored_hash``. Without a hash (no such user) a dummy hash
    is verified instead, so an unknown user name takes as long to refuse as a wrong password."""
    usable = encodable(password)
    candidate = password if usable else ""
    if stored_hash is None:
        check_password_hash(_dummy_hash(), candidate)
        return False
    return check_password_hash(stored_hash, candidate) and usable

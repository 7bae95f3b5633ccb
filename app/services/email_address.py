"""E-mail addresses checked by a real parser (``email-validator``), never by a home-made pattern.

Deliverability is not checked (no DNS look-ups): an address is accepted when its syntax is
that of a real mailbox, so markup such as ``<img src=x onerror=...>@x`` never gets in.
"""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from jsonschema import FormatChecker

from app.errors import Invalid


def is_email(value: object, *, globally_deliverable: bool = True) -> bool:
    """Whether ``value`` is a well-formed e-mail address (non-strings pass: ``type`` reports them)."""
    if not isinstance(value, str):
        return True
    try:
        validate_email(value, check_deliverability=False, globally_deliverable=globally_deliverable)
    except EmailNotValidError:
        return False
    return True


def check_staff_email(value: str | None, field: str = "email") -> str | None:
    """A staff member's address, or ``Invalid`` naming ``field``; internal mail domains (``wang@corp``)
    are allowed since staff mail may stay on the company's own server."""
    if value is None:
        return None
    if not isinstance(value, str) or not is_email(value, globally_deliverable=False):
        raise Invalid(
            "not a valid e-mail address",
            code="invalid_email",
            details=[{"field": field, "message": "not a valid e-mail address"}],
        )
    return value


def form_format_checker() -> FormatChecker:
    """jsonschema's format checker with ``email`` and ``idn-email`` judged by ``email-validator``."""
    checker = FormatChecker()

    def _email(instance: Any) -> bool:
        return is_email(instance)

    checker.checks("email")(_email)
    checker.checks("idn-email")(_email)
    return checker

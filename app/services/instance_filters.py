"""The instance list's filters as a request gives them (query parameters of the API and of the
web page alike), checked: every bad value is reported at once, each naming its field (400).

``created_from``/``created_to`` are days (``YYYY-MM-DD``) in the users' time zone, both
inclusive. ``customer`` is the start of a complainant's name, or of their phone when it is
written with digits only (spaces, ``-``, ``+`` and brackets aside): searching by the start keeps
the search on an index at any size (``instance_search``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo

from app.errors import BadRequest
from app.input_checks import MAX_DB_INT
from app.services.instance_lists import STATUSES, InstanceFilters
from app.services.instance_search import SEVERITY_LEVELS, name_key, phone_digits

FIELDS = (
    "process_key",
    "version",
    "status",
    "severity",
    "overdue",
    "task",
    "group",
    "created_from",
    "created_to",
    "business_key",
    "business_key_prefix",
    "customer",
    "started_by",
)
NOT_TEXT = ("version", "created_from", "created_to")
MAX_TEXT = 200
YES = ("1", "true", "yes", "on")
NO = ("0", "false", "no", "off")
PHONE_LIKE = re.compile(r"^[\d\s\-+()]+$")
MIN_PHONE_DIGITS = 3


class FilterErrors(BadRequest):
    """400 naming each bad filter; ``fields`` maps a field to its message (the web form shows them)."""

    def __init__(self, fields: dict[str, str]) -> None:
        names = ", ".join(fields)
        super().__init__(
            f"bad filter value: {names}",
            code="bad_parameter",
            details=[{"field": field, "message": message} for field, message in fields.items()],
        )
        self.fields = fields


def _text(raw: str, field: str, errors: dict[str, str], limit: int = MAX_TEXT) -> str | None:
    value = raw.strip()
    if len(value) > limit:
        errors[field] = f"at most {limit} characters"
        return None
    if "\x00" in value:
        errors[field] = "contains a NUL character"
        return None
    return value or None


def _day(raw: str, field: str, errors: dict[str, str]) -> date | None:
    value = raw.strip()
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        errors[field] = "a date as YYYY-MM-DD"
        return None


def _customer(value: str) -> tuple[str | None, str | None]:
    """(name prefix, phone prefix): digits-only input searches phones, anything else names."""
    if PHONE_LIKE.match(value):
        digits = phone_digits(value) or ""
        if len(digits) >= MIN_PHONE_DIGITS:
            return None, digits
    return name_key(value), None


def parse(args: Mapping[str, str], tz: tzinfo, *, me: str | None = None) -> InstanceFilters:
    """The filters in ``args`` (absent or empty: any); ``started_by=me`` means ``me``. Raises
    ``FilterErrors`` naming every bad one."""
    errors: dict[str, str] = {}
    text = {f: _text(args.get(f) or "", f, errors) for f in FIELDS if f not in NOT_TEXT}
    version = None
    if raw := (args.get("version") or "").strip():
        if raw.isascii() and raw.isdigit() and len(raw) <= 10 and 0 < int(raw) <= MAX_DB_INT:
            version = int(raw)
        else:
            errors["version"] = "a version number (a positive integer)"
    status = text["status"]
    if status is not None and status not in STATUSES:
        errors["status"] = f"one of {', '.join(STATUSES)}"
    severity = text["severity"].upper() if text["severity"] else None
    if severity is not None and severity not in SEVERITY_LEVELS:
        errors["severity"] = f"one of {', '.join(SEVERITY_LEVELS)}"
    overdue = None
    if text["overdue"] is not None:
        flag = text["overdue"].lower()
        if flag in YES + NO:
            overdue = flag in YES
        else:
            errors["overdue"] = "true or false"
    first = _day(args.get("created_from") or "", "created_from", errors)
    last = _day(args.get("created_to") or "", "created_to", errors)
    if first and last and last < first:
        errors["created_to"] = "on or after created_from"
    name, phone = _customer(text["customer"]) if text["customer"] else (None, None)
    if errors:
        raise FilterErrors(errors)
    started_by = me if text["started_by"] == "me" else text["started_by"]
    prefix = text["business_key_prefix"]
    return InstanceFilters(
        process_key=text["process_key"],
        version=version,
        status=status,
        severity=severity,
        overdue=overdue,
        task=text["task"],
        group=text["group"],
        created_from=_start_of(first, tz) if first else None,
        created_before=_start_of(last + timedelta(days=1), tz) if last else None,
        business_key=text["business_key"],
        business_key_prefix=prefix.upper() if prefix else None,
        customer_name=name,
        customer_phone=phone,
        started_by=started_by,
    )


def _start_of(day: date, tz: tzinfo) -> datetime:
    """Midnight of ``day`` in ``tz``, as an aware instant."""
    return datetime.combine(day, time(), tzinfo=tz)


def query_args(args: Mapping[str, str]) -> dict[str, str]:
    """The filter parameters of a request as they were given (non-empty ones), for links that
    keep the filters (next page, status tabs, CSV export)."""
    return {f: args[f] for f in FIELDS if args.get(f)}

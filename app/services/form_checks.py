"""What a refused form says: declared formats checked server-side, and each error put on the
field a person has to change, in plain words.

- ``FORMAT_CHECKER``: jsonschema's checker with every format the forms may declare, each judged
  by a real parser (e-mail by ``email-validator``, dates and times by RFC 3339); a format
  without a checker here would be silently accepted, so a test lists the forms' formats.
- ``detail_of``: one ``{"field", "message", "code"}`` per jsonschema error. A field required
  only under a condition (``allOf: [{if, then}]``) is reported on that field with the condition
  spelled out ("required when “Accept the complaint?” is “Accept”") and carries ``when``
  (``{"field", "values", "negate"}``) so that pages can say it in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from jsonschema import FormatChecker

from app.services.email_address import form_format_checker

# RFC 3986: unreserved, reserved and percent-encoded characters only
_URI_CHARS = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*\Z")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")
# a time of day as a time input sends it (hh:mm), or RFC 3339's full-time (seconds, offset)
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d(:([0-5]\d|60)(\.\d+)?)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)?\Z")
_DURATION = re.compile(r"^P(?!\Z)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?\Z")


def _uri_reference(value: Any) -> bool:
    return not isinstance(value, str) or bool(_URI_CHARS.match(value))


def _uri(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    if not (_SCHEME.match(value) and _URI_CHARS.match(value)):
        return False
    parts = urlsplit(value)
    # a web address names a host: "https:foo" and "http://" are not addresses
    return parts.scheme.lower() not in ("http", "https") or bool(parts.hostname)


def _hostname(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    name = value[:-1] if value.endswith(".") else value
    return 0 < len(name) <= 253 and all(_LABEL.match(label) for label in name.split("."))


def _time(value: Any) -> bool:
    return not isinstance(value, str) or bool(_TIME.match(value))


def _duration(value: Any) -> bool:
    return not isinstance(value, str) or bool(_DURATION.match(value))


def _attachment_id(_value: Any) -> bool:
    # known, and judged elsewhere: services/attachments checks each id (its shape and that it is one of the
    # case's files) when the form is submitted, and names the field itself
    return True


def _username(_value: Any) -> bool:
    # known, and judged elsewhere: services/user_fields checks that an active user has the name
    return True


def _checker() -> FormatChecker:
    checker = form_format_checker()
    checker.checks("uri")(_uri)
    checker.checks("iri")(_uri)
    checker.checks("uri-reference")(_uri_reference)
    checker.checks("iri-reference")(_uri_reference)
    checker.checks("hostname")(_hostname)
    checker.checks("duration")(_duration)
    checker.checks("time")(_time)  # jsonschema's own is draft 3's hh:mm:ss only
    checker.checks("attachment")(_attachment_id)
    checker.checks("username")(_username)
    return checker


FORMAT_CHECKER = _checker()

# per format: what the value should look like, in plain words (the pages translate them)
FORMAT_MESSAGES = {
    "email": "not a valid e-mail address",
    "idn-email": "not a valid e-mail address",
    "date": "not a date (YYYY-MM-DD)",
    "date-time": "not a date and time with a time zone (YYYY-MM-DDThh:mm:ss+08:00)",
    "time": "not a time of day (hh:mm)",
    "uri": "not a web address (such as https://example.com/page)",
    "iri": "not a web address (such as https://example.com/page)",
    "uri-reference": "not a web address or path",
    "iri-reference": "not a web address or path",
    "hostname": "not a host name (such as example.com)",
    "idn-hostname": "not a host name (such as example.com)",
    "duration": "not a duration (such as P3D or PT24H)",
    "ipv4": "not an IPv4 address",
    "ipv6": "not an IPv6 address",
    "uuid": "not a UUID",
    "regex": "not a regular expression",
}


def detail_of(error: Any, root: Mapping[str, Any], field: str) -> dict[str, Any]:
    """The detail of one jsonschema error on ``field``: plain words, a ``code``, the condition."""
    if error.validator == "format":
        fmt = str(error.validator_value)
        return {"field": field, "code": "format", "format": fmt, "message": FORMAT_MESSAGES.get(fmt, error.message)}
    when = _condition(root, list(error.absolute_schema_path), [str(p) for p in error.absolute_path])
    if when is not None and error.validator in ("required", "minLength"):
        return {
            "field": field,
            "code": "required_when",
            "when": when,
            "message": f"required when {_condition_words(root, when)}",
        }
    return {"field": field, "code": str(error.validator), "message": error.message}


def _condition(root: Mapping[str, Any], schema_path: Sequence[Any], instance_path: list[str]) -> dict[str, Any] | None:
    """The ``if`` whose ``then`` produced the error, as ``{"field", "values", "negate"}``."""
    if "then" not in schema_path:
        return None
    cut = len(schema_path) - 1 - list(reversed(schema_path)).index("then")
    node: Any = root
    for step in schema_path[:cut]:
        node = node[step] if isinstance(node, (Mapping, list)) else None
        if node is None:
            return None
    condition = node.get("if") if isinstance(node, Mapping) else None
    if not isinstance(condition, Mapping):
        return None
    # the object holding the condition: its dotted name is the error's instance path, up to it
    depth = sum(1 for step in schema_path[:cut] if step == "properties")
    prefix = ".".join(instance_path[:depth])
    for name, test in (condition.get("properties") or {}).items():
        if not isinstance(test, Mapping):
            continue
        negate = "not" in test and isinstance(test["not"], Mapping)
        inner = test["not"] if negate else test
        values = [inner["const"]] if "const" in inner else list(inner.get("enum") or [])
        if values:
            return {"field": f"{prefix}.{name}" if prefix else name, "values": values, "negate": negate}
    return None


def _property(root: Mapping[str, Any], dotted: str) -> Mapping[str, Any]:
    node: Any = root
    for part in dotted.split("."):
        node = ((node or {}).get("properties") or {}).get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def _condition_words(root: Mapping[str, Any], when: Mapping[str, Any]) -> str:
    """“Accept the complaint?” is “Accept”: the English titles of the form."""
    prop = _property(root, when["field"])
    titles = prop.get("x-enum-titles") or {}

    def label(value: Any) -> str:
        title = titles.get(str(value)) if isinstance(titles, Mapping) else None
        return str(title.get("en") or value) if isinstance(title, Mapping) else str(value)

    values = " or ".join(f"“{label(v)}”" for v in when["values"])
    verb = "is not" if when["negate"] else "is"
    return f"“{prop.get('title') or when['field']}” {verb} {values}"

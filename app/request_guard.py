"""Checks every request passes before a view sees it (API and pages alike).

- ``<int:...>`` in a route only matches an id the database can hold (else 404);
- a path segment with a NUL or a lone surrogate is unknown (404); a query parameter with one is
  refused (400), and so is a number in an integer query parameter (``page``, ``per_page``,
  ``instance_id``, ``limit``) that the database cannot hold (or written in non-ASCII digits);
- form fields and uploaded file names with one are refused (422, naming the field);
- a body over ``MAX_CONTENT_LENGTH`` is refused with 413 also when it comes chunked (without a
  ``Content-Length``): werkzeug would otherwise hand the view the first bytes silently;
- a multipart body sent to a view that takes evidence files (``UPLOAD_ENDPOINTS``) may be as large
  as ``ATTACHMENT_MAX_BYTES`` plus room for the form's other fields (``UPLOAD_MAX_CONTENT_LENGTH``);
  werkzeug spools its files to disk as they arrive and stops with 413 past that.
"""

from __future__ import annotations

from typing import IO, Any, cast

from flask import Flask, Request, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import BaseConverter, IntegerConverter, Map, ValidationError
from werkzeug.utils import cached_property
from werkzeug.wsgi import LimitedStream, get_content_length, get_input_stream

from app.errors import BadRequest, NotFound
from app.input_checks import (
    INTEGER_QUERY_PARAMETERS,
    MAX_DB_INT,
    check_text_fields,
    database_int,
    printable,
    unsafe_character,
)

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# the views that take evidence files (app/api/attachments.py, app/web/attachment_routes.py, the
# start and task forms with attachment fields)
UPLOAD_ENDPOINTS = frozenset(
    {
        "api.upload_attachment",
        "api.upload_pending_attachment",
        "web.upload_attachment",
        "web.upload_pending_attachment",
        "web.start",
        "web.complete",
    }
)
# room for the other fields of an upload form (note, CSRF token, the task form's own fields)
UPLOAD_FORM_ALLOWANCE = 256 * 1024


class DatabaseIdConverter(IntegerConverter):
    """``<int:name>``: ASCII digits naming a value up to ``MAX_DB_INT``; anything else does not match."""

    regex = r"[0-9]+"

    def __init__(
        self,
        map: Map,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = MAX_DB_INT,
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)

    def to_python(self, value: str) -> Any:
        if len(value) > len(str(MAX_DB_INT)):  # int() of thousands of digits raises, not a 404
            raise ValidationError()
        return super().to_python(value)


class _StreamOverLimit(LimitedStream):
    """A body without ``Content-Length``, read up to the limit: one byte more is a 413, not a cut."""

    def __init__(self, stream: IO[bytes], limit: int) -> None:
        super().__init__(stream, limit, is_max=True)
        self._source = stream

    def readall(self) -> bytes:
        data = super().readall()
        if self.is_exhausted and self._source.read(1):
            raise RequestEntityTooLarge()
        return data


class BoundedRequest(Request):
    """Flask's request whose streamed (chunked) body honours ``MAX_CONTENT_LENGTH`` with a 413."""

    @cached_property
    def stream(self) -> IO[bytes]:
        limit = self.max_content_length
        if "wsgi.input_terminated" in self.environ and limit is not None and get_content_length(self.environ) is None:
            return cast(IO[bytes], _StreamOverLimit(self.environ["wsgi.input"], limit))
        return get_input_stream(self.environ, max_content_length=limit)


def check_request() -> None:
    """Refuse unsafe path segments, query parameters and form fields (see the module docstring)."""
    if request.endpoint in UPLOAD_ENDPOINTS and request.mimetype == "multipart/form-data":
        request.max_content_length = current_app.config["UPLOAD_MAX_CONTENT_LENGTH"]
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and unsafe_character(value):
            raise NotFound("no such resource", code="not_found")
    for name, value in request.args.items(multi=True):
        reason = unsafe_character(name) or unsafe_character(value)
        if reason:
            raise BadRequest(
                f"query parameter '{printable(name)}' {reason}",
                code="bad_parameter",
                details=[{"field": printable(name), "message": reason}],
            )
        # words are each view's business (pages fall back to page 1); a number must fit the database
        if name in INTEGER_QUERY_PARAMETERS and value.isdigit() and database_int(value) is None:
            raise BadRequest(
                f"query parameter '{name}' must be a whole number from 0 to {MAX_DB_INT}",
                code="bad_parameter",
                details=[{"field": name, "message": f"not a whole number in 0..{MAX_DB_INT}"}],
            )
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype in FORM_TYPES:
        check_text_fields(request.form.items(multi=True))
        check_text_fields((name, f.filename or "") for name, f in request.files.items(multi=True))


def init_app(app: Flask) -> None:
    """Install the checks; call before blueprints are registered (the converter applies to their rules)."""
    app.request_class = BoundedRequest
    converters: dict[str, type[BaseConverter]] = app.url_map.converters
    converters["int"] = DatabaseIdConverter
    app.before_request(check_request)

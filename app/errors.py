"""The product's one exception tree; ``app.web_errors`` maps it to HTTP.

AppError                 500-class base, never raised directly
├── BadRequest           400 malformed request (not JSON, wrong shape)
├── NotAuthenticated     401
├── Forbidden            403
├── NotFound             404
├── Conflict             409 state changed under you (optimistic lock, task not ready)
├── PayloadTooLarge      413
├── UnsupportedMediaType 415 the body is not of the type the endpoint reads (JSON endpoints: application/json)
├── Invalid              422 content refused; ``details`` name fields or BPMN elements
├── PreconditionRequired 428 a change under the optimistic lock sent without ``If-Match``
├── TooManyAttempts      429 logins throttled or the account locked for a while
└── NotReady             503
"""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    """Base of every error the product reports to a client."""

    status = 500
    code = "internal_error"

    def __init__(self, message: str, *, code: str | None = None, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or []

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class BadRequest(AppError):
    status = 400
    code = "bad_request"


class NotAuthenticated(AppError):
    status = 401
    code = "not_authenticated"


class Forbidden(AppError):
    status = 403
    code = "forbidden"


class NotFound(AppError):
    status = 404
    code = "not_found"


class Conflict(AppError):
    status = 409
    code = "conflict"


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"


class Invalid(AppError):
    status = 422
    code = "invalid"


class PreconditionRequired(AppError):
    status = 428
    code = "precondition_required"


class TooManyAttempts(AppError):
    status = 429
    code = "too_many_attempts"


class NotReady(AppError):
    status = 503
    code = "not_ready"

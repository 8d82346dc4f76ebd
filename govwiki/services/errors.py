"""Typed errors raised by services; the web and API layers turn them into responses.

Each carries the API error code and HTTP status, a human-readable message, and details. Errors
that refuse someone's text (a conflict, a closed consultation, invalid input) carry that text
back so that nothing is lost.
"""

from __future__ import annotations


class ServiceError(Exception):
    code = "bad_request"
    status = 400

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **self.details}


class NotFound(ServiceError):
    code, status = "not_found", 404


class Unauthenticated(ServiceError):
    code, status = "unauthenticated", 401


class Forbidden(ServiceError):
    code, status = "forbidden", 403


class ConsultationClosed(ServiceError):
    code, status = "consultation_closed", 403


class Invalid(ServiceError):
    code, status = "invalid", 422

    def __init__(self, fields: dict[str, str], message: str = "Some fields are not valid.", **details):
        super().__init__(message, fields=fields, **details)
        self.fields = fields


class Gone(ServiceError):
    """It existed but is no longer usable (an invitation used, expired or revoked)."""

    code, status = "gone", 410


class TooLarge(ServiceError):
    code, status = "too_large", 413


class Conflict(ServiceError):
    """State moved under the caller; `code` names how (slug_taken, already_merged, …)."""

    status = 409

    def __init__(self, code: str, message: str, **details):
        super().__init__(message, **details)
        self.code = code


class EditConflict(Conflict):
    """Overlapping edits: nothing was saved; both texts travel back."""

    def __init__(self, message: str, **details):
        super().__init__("edit_conflict", message, **details)


class RateLimited(ServiceError):
    code, status = "rate_limited", 429


class SearchRebuilding(ServiceError):
    """The search index is being rebuilt from the database; `retry_after` seconds."""

    code, status = "search_rebuilding", 503


def refusal(reason: str, message: str | None = None, **details) -> ServiceError:
    """Build the error for a policy refusal reason (see core.policy.Decision)."""
    kinds = {
        "not_found": (NotFound, "Not found."),
        "unauthenticated": (Unauthenticated, "Sign in to do this."),
        "consultation_closed": (ConsultationClosed, "This consultation is not accepting contributions now."),
    }
    kind, default = kinds.get(reason, (Forbidden, "You may not do this."))
    return kind(message or default, **details)

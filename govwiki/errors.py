"""Turn errors into responses: JSON under /api/, an HTML page elsewhere. Never a bare 500 on
bad input: services raise typed errors, and werkzeug's HTTP errors keep their status.

Nothing is lost by construction: every refused write that carried a text (`body`, in a form or
a JSON object) gets that text back in the error as `your_body`, whichever check refused it —
a service, CSRF, a rate limit, an expired session — so no single `raise` has to remember it."""

from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from govwiki.rate_limits import refusal, retry_headers
from govwiki.services.errors import ServiceError

#: API error codes for werkzeug's HTTP errors
HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "bad_request",
    422: "invalid",
    429: "rate_limited",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


#: methods whose refusal may have cost someone a text
WRITES = ("POST", "PUT", "PATCH")


def error_response(status: int, payload: dict, headers: dict | None = None):
    """Render an error body (API shape or HTML page) with `status`, handing back any text sent."""
    if "your_body" not in payload:
        text = submitted_text()
        if text is not None:
            payload = {**payload, "your_body": text}
    if wants_json():
        response = jsonify({"error": payload})
    else:
        response = render_template("error.html", error=payload, status=status)
    return response, status, headers or {}


def submitted_text() -> str | None:
    """The text this request tried to write (a `body` field), if the request could be read."""
    if request.method not in WRITES:
        return None
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if request.content_length is None or (limit is not None and request.content_length > limit):
        return None  # refused for its size before it was read: the browser still has the text
    try:
        if request.is_json:
            data = request.get_json(silent=True)
            text = data.get("body") if isinstance(data, dict) else None
        else:  # a form's text field is `body`, or `<prefix>-body` where a page holds two forms
            text = next(
                (value for name, value in request.form.items() if name == "body" or name.endswith("-body")),
                None,
            )
    except (HTTPException, RecursionError, ValueError):
        return None
    return text.replace("\r\n", "\n") if isinstance(text, str) else None


def _service_error(error: ServiceError):
    retry = error.details.get("retry_after")
    return error_response(error.status, error.to_dict(), {"Retry-After": str(retry)} if retry else None)


def _csrf_error(error: CSRFError):
    return error_response(400, {"code": "csrf_failed", "message": error.description})


def _too_large(error: RequestEntityTooLarge):
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if wants_json():
        message = "The request body is too large."
    else:  # nothing of it could be read; the form that sent it still holds the text
        message = (
            "The text you sent is far over the size limit, so nothing was saved. It is still "
            "in your browser: go back to the form, shorten the text or split it, and send it again."
        )
    return error_response(413, {"code": "too_large", "message": message, "limit": limit})


def _rate_limited(error: RateLimitExceeded):
    """429 with when to try again; a form's text comes back on the error page (the page-edit and
    suggestion forms show themselves again instead: see their blueprints)."""
    refused = refusal(error)
    return error_response(429, refused.to_dict(), retry_headers(refused))


def _http_error(error: HTTPException):
    status = error.code or 500
    code = HTTP_CODES.get(status, "error")
    # Keep the headers werkzeug meant to send (Allow on 405, Retry-After on 429).
    headers = dict(error.get_headers())
    headers.pop("Content-Type", None)
    return error_response(status, {"code": code, "message": error.description}, headers)


def init_app(app: Flask) -> None:
    app.register_error_handler(ServiceError, _service_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_error_handler(RateLimitExceeded, _rate_limited)
    app.register_error_handler(HTTPException, _http_error)

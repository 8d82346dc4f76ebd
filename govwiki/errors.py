"""Turn errors into responses: JSON under /api/, an HTML page elsewhere. Never a bare 500 on
bad input: services raise typed errors, and werkzeug's HTTP errors keep their status."""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from govwiki.services.errors import ServiceError

#: API error codes for werkzeug's HTTP errors
HTTP_CODES = {
    400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "bad_request",
    422: "invalid", 429: "rate_limited",
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, payload: dict, headers: dict | None = None):
    """Render an error body (API shape or HTML page) with `status`."""
    if wants_json():
        response = jsonify({"error": payload})
    else:
        response = render_template("error.html", error=payload, status=status)
    return response, status, headers or {}


def _service_error(error: ServiceError):
    return error_response(error.status, error.to_dict())


def _csrf_error(error: CSRFError):
    return error_response(400, {"code": "csrf_failed", "message": error.description})


def _too_large(error: RequestEntityTooLarge):
    return error_response(413, {"code": "too_large", "message": "The request body is too large."})


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
    app.register_error_handler(HTTPException, _http_error)

"""Parsing requests and shaping responses for the API."""
from __future__ import annotations

from flask import current_app, jsonify, request

from govwiki.extensions import db
from govwiki.security import actor
from govwiki.services.errors import Invalid, ServiceError

__all__ = ["actor", "db", "json_body", "listing", "pagination", "int_arg"]


def json_body() -> dict:
    """Return the request's JSON object, or raise 400 for malformed JSON or a non-object."""
    data = request.get_json(silent=True)
    if data is None and request.get_data(cache=True):
        raise ServiceError("The body is not valid JSON.")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ServiceError("The body must be a JSON object.")
    return data


def int_arg(name: str, default: int | None = None) -> int | None:
    """Return an integer query parameter, or raise 422 naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid({name: "must be a whole number"}) from None
    if not -(2**31) < value < 2**31:
        raise Invalid({name: "out of range"})
    return value


def pagination() -> tuple[int, int]:
    """Return (page, per_page) from the query, bounded: per_page 1–max, page ≥ 1."""
    config = current_app.config
    page = int_arg("page", 1)
    per_page = int_arg("per_page", config["PER_PAGE_DEFAULT"])
    fields = {}
    if page < 1:
        fields["page"] = "must be 1 or more"
    if not 1 <= per_page <= config["PER_PAGE_MAX"]:
        fields["per_page"] = f"must be from 1 to {config['PER_PAGE_MAX']}"
    if fields:
        raise Invalid(fields)
    return page, per_page


def listing(items: list, page: int, per_page: int, total: int, **extra):
    """The paginated list shape of API.md."""
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total, **extra})

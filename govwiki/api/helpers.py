"""Parsing requests and shaping responses for the API."""

from __future__ import annotations

import math

from flask import current_app, jsonify, request

from govwiki.extensions import db
from govwiki.security import actor
from govwiki.services.errors import Invalid, ServiceError, Unauthenticated

__all__ = [
    "actor",
    "db",
    "json_body",
    "listing",
    "pagination",
    "int_arg",
    "reject_unknown",
    "signed_in_caller",
]

#: every number the API takes (ids, revisions, hunks, pages) is a 32-bit database integer
MIN_INT, MAX_INT = -(2**31), 2**31 - 1
#: no request body needs more than a few levels; deeper is refused before anything walks it
MAX_JSON_DEPTH = 64


def signed_in_caller():
    """The signed-in caller, for routes about the caller's own things; 401 when signed out."""
    who = actor()
    if who is None:
        raise Unauthenticated("Sign in to do this.")
    return who


def json_body() -> dict:
    """Return the request's JSON object, or raise 400 for malformed or too deeply nested JSON or
    a non-object, and 422 for numbers the database cannot hold or NUL in a field name."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # json.loads gives up on ~1,000 levels; silent= only hides ValueError
        raise ServiceError(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.") from None
    if data is None and request.get_data(cache=True):
        raise ServiceError("The body is not valid JSON.")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ServiceError("The body must be a JSON object.")
    fields = {}
    for name, value in data.items():
        problem = _key_problem(name) or _value_problem(value)
        if problem:
            fields[name.replace("\x00", "\\0")] = problem
    if fields:
        raise Invalid(fields)
    return data


def _key_problem(name: str) -> str | None:
    return "the field name contains a NUL character" if "\x00" in name else None


def _value_problem(value) -> str | None:
    """Why a field's value (walked without recursion) is refused whatever the field, or None."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise ServiceError(f"The JSON is nested more than {MAX_JSON_DEPTH} levels deep.")
        if isinstance(item, bool) or item is None or isinstance(item, str):
            continue
        if isinstance(item, int) and not MIN_INT <= item <= MAX_INT:
            return f"holds a number out of range (from {MIN_INT} to {MAX_INT})"
        if isinstance(item, float) and not math.isfinite(item):
            return "holds a number out of range"
        if isinstance(item, dict):
            if any(_key_problem(key) for key in item):
                return "holds a field name with a NUL character"
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return None


def int_arg(name: str, default: int | None = None) -> int | None:
    """Return an integer query parameter, or raise 422 naming it."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise Invalid({name: "must be a whole number"}) from None
    if not MIN_INT <= value <= MAX_INT:
        raise Invalid({name: f"out of range (from {MIN_INT} to {MAX_INT})"})
    return value


def pagination() -> tuple[int, int]:
    """Return (page, per_page) from the query, bounded: per_page 1–max, page ≥ 1."""
    config = current_app.config
    page = int_arg("page", 1)
    per_page = int_arg("per_page", config["PER_PAGE_DEFAULT"])
    fields = {}
    if not 1 <= per_page <= config["PER_PAGE_MAX"]:
        fields["per_page"] = f"must be from 1 to {config['PER_PAGE_MAX']}"
    # The rows a page skips are counted in a database integer: page × per_page must fit in one.
    last_page = MAX_INT // per_page if "per_page" not in fields else MAX_INT
    if not 1 <= page <= last_page:
        fields["page"] = f"must be from 1 to {last_page}"
    if fields:
        raise Invalid(fields)
    return page, per_page


def listing(items: list, page: int, per_page: int, total: int, **extra):
    """The paginated list shape of API.md."""
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total, **extra})


def reject_unknown(data: dict, allowed) -> None:
    """Refuse fields the route does not take (a typo must not be silently ignored): 422."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise Invalid({name: "unknown field" for name in unknown})

"""Rate limits: one named limit per kind of write, the same on the web and in the API.

Each kind has a setting `RATELIMIT_<KIND>` (a Flask-Limiter string such as "10/minute;100/day",
default in `config.Defaults`, set by GOVWIKI_RATELIMIT_<KIND>). `@limit("comments")` under a
route's declaration counts the route's writes against the kind's one counter, whichever channel
they come through: a comment posted with the web form and one posted through the API add up.
Signed-in writers are counted by user id (so an office behind one address is not one person);
signed-out requests by the client's address. Sign-in and registration always count by address.

The counters live where RATELIMIT_STORAGE_URI says: memory:// counts in each process on its own
(each gunicorn worker allows the full limit), redis://… shares one count between all workers.
A refusal is a 429 `rate_limited` that says when to try again (errors.py and the web forms).
"""

from __future__ import annotations

import time

from flask import Flask, current_app, request
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from limits import parse_many

from govwiki.core.messages import Message
from govwiki.extensions import limiter
from govwiki.services.errors import RateLimited

#: each kind of write and the setting that holds its limit
KINDS = {
    "edits": "RATELIMIT_EDITS",
    "proposals": "RATELIMIT_PROPOSALS",
    "comments": "RATELIMIT_COMMENTS",
    "supports": "RATELIMIT_SUPPORTS",
    "flags": "RATELIMIT_FLAGS",
    "sign_in": "RATELIMIT_SIGN_IN",
    "registration": "RATELIMIT_REGISTRATION",
    "writes": "RATELIMIT_WRITES",  # every write of the API together, on top of its own kind
    "previews": "RATELIMIT_PREVIEWS",  # editor previews, which save nothing
}
#: kinds made by people who are not signed in yet: counted by address whoever sends them
BY_ADDRESS = frozenset({"sign_in", "registration"})
#: methods that count; a GET of the same form (showing it) never does
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def limit(kind: str, *, exempt_when=None):
    """Count the decorated view's (or blueprint's) writes against the limit named `kind`;
    `exempt_when()`, when given and true, leaves a request out (a form's Preview button)."""
    setting = KINDS[kind]  # a typo fails when the module is imported, not silently at run time
    return limiter.shared_limit(
        lambda: current_app.config[setting],
        scope=kind,
        key_func=address_key if kind in BY_ADDRESS else writer_key,
        methods=list(WRITE_METHODS),
        exempt_when=exempt_when,
        # keep the API's limit on all its writes as well (Flask-Limiter drops it otherwise)
        override_defaults=False,
    )


def writer_key() -> str:
    """Whose counter a write goes on: the signed-in user's, else the client address's."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return address_key()


def address_key() -> str:
    return f"address:{request.remote_addr}"


def refusal(error: RateLimitExceeded) -> RateLimited:
    """The typed error for a refused request: when to try again, and the limit it went over."""
    seconds = retry_after()
    return RateLimited(
        Message("Too many in a short time: wait %(seconds)d seconds, then send it again.", seconds=seconds),
        retry_after=seconds,
        rate_limit=str(error.limit.limit),
    )


def retry_after() -> int:
    """Whole seconds until the limit this request went over lets it through again (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 1
    # reckoned as Flask-Limiter reckons the Retry-After header it sets, so that the two agree
    return max(1, int(current.reset_at - time.time()))


def retry_headers(error: RateLimited) -> dict:
    return {"Retry-After": str(error.details["retry_after"])}


def check_settings(app: Flask) -> None:
    """Refuse to start with a limit nobody can read: Flask-Limiter would skip it with a log line."""
    for setting in KINDS.values():
        value = app.config.get(setting)
        try:
            if not isinstance(value, str) or not parse_many(value):
                raise ValueError(value)
        except ValueError:
            name = setting.replace("RATELIMIT_", "GOVWIKI_RATELIMIT_")
            raise RuntimeError(f'{name}: "{value}" is not a limit like "10/minute;100/day"') from None


def per_worker_warning(config, workers: int) -> str | None:
    """A warning for the log when several workers would each count in their own memory."""
    if workers > 1 and str(config.get("RATELIMIT_STORAGE_URI", "memory://")).startswith("memory://"):
        return (
            f"rate limits are counted in memory by each of the {workers} workers, so each allows "
            "the full limit: set GOVWIKI_RATELIMIT_STORAGE_URL=redis://… to share one count"
        )
    return None

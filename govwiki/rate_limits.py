"""Rate limits: one named limit per kind of write, the same on the web and in the API.

Each kind has a setting `RATELIMIT_<KIND>` (a Flask-Limiter string such as "10/minute;100/day",
default in `config.Defaults`, set by GOVWIKI_RATELIMIT_<KIND>). `@limit("comments")` under a
route's declaration counts the route's writes against the kind's one counter, whichever channel
they come through: a comment posted with the web form and one posted through the API add up.
Signed-in writers are counted by user id (so an office behind one address is not one person);
signed-out requests by the client's address. Sign-in and registration always count by address,
and sign-in also by the account typed (`sign_in_account`), from all addresses together.

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
from govwiki.core.tokens import token_hash
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
    "sign_in_account": "RATELIMIT_SIGN_IN_ACCOUNT",  # by the account typed, from any address
    "registration": "RATELIMIT_REGISTRATION",
    "writes": "RATELIMIT_WRITES",  # every write, web and API, together, on top of its own kind
    "previews": "RATELIMIT_PREVIEWS",  # editor previews, which save nothing
}
#: kinds made by people who are not signed in yet: counted by address whoever sends them
BY_ADDRESS = frozenset({"sign_in", "registration"})
#: kinds counted by the account a password is tried on (see `account_key`)
BY_ACCOUNT = frozenset({"sign_in_account"})
#: methods that count; a GET of the same form (showing it) never does
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: endpoints no limit ever refuses: signing out, however many writes came before
NEVER_LIMITED = frozenset({"auth.logout"})
#: POSTs that change nothing, so the shared `writes` counter leaves them to their own limit: a
#: live preview while typing must not use up the writes the save after it needs
NOT_WRITES = frozenset({"pages.preview"})


@limiter.request_filter
def _reads_are_never_counted() -> bool:
    """Every limit counts writes only (`limit` gives each WRITE_METHODS), so a read leaves
    Flask-Limiter out entirely: matching a request against every limit was a tenth of a cached
    page view's time."""
    return request.method not in WRITE_METHODS


def limit(kind: str, *, exempt_when=None):
    """Count the decorated view's (or blueprint's) writes against the limit named `kind`;
    `exempt_when()`, when given and true, leaves a request out (a form's Preview button)."""
    setting = KINDS[kind]  # a typo fails when the module is imported, not silently at run time
    return limiter.shared_limit(
        lambda: current_app.config[setting],
        scope=kind,
        key_func=address_key if kind in BY_ADDRESS else account_key if kind in BY_ACCOUNT else writer_key,
        methods=list(WRITE_METHODS),
        exempt_when=lambda: _exempt(kind, exempt_when),
        # keep the API's limit on all its writes as well (Flask-Limiter drops it otherwise)
        override_defaults=False,
    )


def _exempt(kind: str, exempt_when) -> bool:
    if request.endpoint in NEVER_LIMITED or (kind == "writes" and request.endpoint in NOT_WRITES):
        return True
    return exempt_when is not None and exempt_when()


def writer_key() -> str:
    """Whose counter a write goes on: the signed-in user's, else the client address's."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return address_key()


def address_key() -> str:
    return f"address:{request.remote_addr}"


def account_key() -> str:
    """The account a password is being tried on: the username or e-mail address typed into the
    sign-in form, normalised as sign-in reads it, whether or not such an account exists (so the
    answer says nothing about which exist); for a signed-in person confirming with their
    password, their own account. Kept as a hash: no address typed is written to the storage."""
    typed = request.form.get("login")
    if typed is None:
        typed = current_user.username if current_user.is_authenticated else ""
    return "account:" + token_hash(typed.strip().lower())


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

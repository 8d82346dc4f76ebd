"""What every HTML view needs: query parsing, pagination, permission flags, sign-in redirects."""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from math import ceil
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from govwiki.core.policy import Action, Decision
from govwiki.extensions import db
from govwiki.security import actor
from govwiki.services import access
from govwiki.services.errors import NotFound, refusal

#: the highest ?page= honoured; anything above shows an empty last page instead of an error
MAX_PAGE_NUMBER = 100_000
#: the largest id or revision number in a URL (the database's 32-bit integer); above it is a 404
MAX_ID = 2**31 - 1
#: a URL part for such numbers: `<{ID}:number>`
ID = f"int(max={MAX_ID})"


def bounded_int(raw, default: int, low: int, high: int) -> int:
    """Parse a query value as an integer clamped to [low, high]; junk gives `default`."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return min(max(value, low), high)


def page_args() -> tuple[int, int]:
    """Return (page, per_page) from the query string, always within bounds."""
    config = current_app.config
    page = bounded_int(request.args.get("page"), 1, 1, MAX_PAGE_NUMBER)
    per_page = bounded_int(
        request.args.get("per_page"), config["PER_PAGE_DEFAULT"], 1, config["PER_PAGE_MAX"]
    )
    return page, per_page


def revision_arg(name: str) -> int | None:
    """Return a revision number from the query, None when absent; junk is a 404."""
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    number = whole_number(raw)
    if number is None or not 0 < number <= MAX_ID:
        raise NotFound(_("No such revision."))
    return number


def whole_number(value) -> int | None:
    """An integer the database can hold, or None for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -MAX_ID <= number <= MAX_ID else None


@dataclass(frozen=True)
class Pager:
    """One page of a longer list, for the pagination macro."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def allowed(consultation, *actions: Action) -> dict[str, Decision]:
    """Ask the policy about each action, keyed by its name (`can.edit` in templates)."""
    verdicts = access.Verdicts(db.session, actor(), consultation)
    return {action.value: verdicts(action) for action in actions}


def page_permissions(page) -> dict[str, Decision]:
    """What the page views offer: the Edit tab, revert buttons, suggestions."""
    return allowed(page.consultation, Action.EDIT, Action.REVERT, Action.PROPOSE)


def local_path(target: str | None) -> str | None:
    """Return `target` if it is a path on this site (safe to redirect to), else None."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 for char in target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def here() -> str:
    """The current path and query, for `next=` links."""
    return request.full_path.rstrip("?") if request.query_string else request.path


def sign_in_url(next_path: str | None = None) -> str:
    """The sign-in page, coming back to `next_path` (default: this page, if it can be fetched)."""
    if next_path is None and request.method == "GET":
        next_path = here()
    return url_for("auth.login", next=next_path)


def signed_in(view):
    """Send signed-out visitors to the sign-in page, coming back here afterwards."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if actor() is None:
            flash(_("Please sign in to continue."), "info")
            return redirect(sign_in_url())
        return view(*args, **kwargs)

    return wrapper


def gate(consultation, action: Action, next_path: str | None = None):
    """Before showing a form: a sign-in redirect if signed out, an error if refused, else None."""
    verdict = access.decision(db.session, actor(), consultation, action)
    if verdict:
        return None
    if verdict.reason == "unauthenticated":
        flash(_("Please sign in to continue."), "info")
        return redirect(sign_in_url(next_path))
    raise refusal(verdict.reason)


def session():
    """The request's database session."""
    return db.session

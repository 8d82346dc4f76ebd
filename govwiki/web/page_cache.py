"""Finished page views, kept as skeletons shared by every reader of one kind.

A page's view depends on things named in its key: the page and its head revision, the
consultation's last change and whether it accepts contributions now, the number of open
suggestions, the discussion's version (bumped by every new, edited, deleted, supported, reported
or hidden comment), the language, and the kind of reader (signed out; signed in with a site role
and a membership: `access.Verdicts.kind`, everything the permission policy decides on besides
the consultation). Rendering the full layout costs far more than checking those, so the view is
kept per key as a skeleton (web/skeleton.py) whose personal parts are filled per request. A key
that no longer matches is simply never asked for again; the cache is bounded by entries and by
bytes (GOVWIKI_PAGE_CACHE_BYTES), least recently used first out.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, current_app, request, session
from flask_babel import get_locale

from govwiki import http_cache
from govwiki.core.bounded_cache import BoundedCache
from govwiki.services.shown_pages import PageFacts
from govwiki.web import skeleton

MAX_ENTRIES = 4096
#: session keys that make a view one-off (a flashed message; a draft the page must forget)
ONE_OFF = ("_flashes", "govwiki_comment_draft_sent")


def cache() -> BoundedCache[skeleton.Skeleton]:
    """This app's cache (one per app, so two apps in one process never share HTML)."""
    found = current_app.extensions.get("govwiki_page_cache")
    if found is None:
        limit = current_app.config["PAGE_CACHE_BYTES"]
        found = BoundedCache(MAX_ENTRIES, limit, lambda shared: shared.weight)
        current_app.extensions["govwiki_page_cache"] = found
    return found


def cacheable(*arguments: str) -> bool:
    """Only views whose query holds nothing but `lang` and the view's own `arguments` (anything
    else would echo into links), and no one-off message or draft."""
    return set(request.args) <= {"lang", *arguments} and not any(name in session for name in ONE_OFF)


def query_key() -> tuple:
    """The query as the request has it, byte for byte: links in the page echo it (the sign-in
    link's `next`), so it is part of the key."""
    return (request.query_string,)


def view_key(facts: PageFacts, verdicts) -> tuple:
    """What every view of a page shows of its situation (`PageFacts.of(page)`) and its reader
    (for its cache key)."""
    return (
        facts.page_id,
        facts.head_number,
        facts.updated_at,
        facts.consultation_updated_at,
        facts.situation.accepting,
        str(get_locale()),
        verdicts.kind,
    )


def serve(
    key: tuple, render: Callable[[], str], filler: Callable[[skeleton.Skeleton], skeleton.Filler]
) -> Response:
    """The view under `key` for this request: the cached skeleton (built by `render` the first
    time) with its personal parts drawn by the filler `filler(skeleton)` makes, already encoded
    and with its ETag."""
    shared = cache().get(key)
    if shared is None:
        shared = cache().put(key, skeleton.build(render))
    filled = skeleton.fill(shared, filler(shared))
    response = current_app.response_class(filled.body, mimetype="text/html")
    response.set_etag(http_cache.fingerprint_of_parts(filled.digest, filled.personal))
    return response

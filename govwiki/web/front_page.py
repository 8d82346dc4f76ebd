"""The front page, kept by what it shows, for signed-out and signed-in readers alike.

The list of consultations depends only on the rows on the page with the total
(`consultations.listing_stamp`: each row's id and last change, read along one index for the
reader's own readable set), the language, the query string (the status filter and page chosen;
the language and sign-in links repeat it) and the reader's site role (officials get the "open a
consultation" button). Checking those is two small queries; rendering fifty cards with the
layout costs far more. A change to any consultation on the page moves the stamp, so it shows at
once. The view is kept as a skeleton in the page cache (web/page_cache.py), its header filled
per request like every page's.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Response
from flask_babel import get_locale

from govwiki.security import actor
from govwiki.web import page_cache, personal_parts

#: the only query arguments the front page reads; with any other the page is rendered afresh
ARGS = frozenset({"page", "per_page", "status"})


def cacheable() -> bool:
    return page_cache.cacheable(*ARGS)


def html(stamp: tuple, render: Callable[[], str]) -> Response:
    """The page for this stamp, rendered only when this language, query and role have not seen it."""
    who = actor()
    key = ("front", str(get_locale()), page_cache.query_key(), who.role if who else None, stamp)
    return page_cache.serve(key, render, personal_parts.page_filler(None, None))

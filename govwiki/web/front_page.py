"""The front page's HTML as signed-out readers see it, kept by what it shows.

For a signed-out reader the list of consultations depends only on the language, the query
string (the status filter and page chosen; the language and sign-in links on the page repeat it)
and the rows on the page with the total (`consultations.listing_stamp`: each row's id and last
change). Checking those is two small queries along one index; rendering fifty cards with the
layout costs far more. A change to any consultation on the page moves the stamp, so it shows at
once; a key that no longer matches is simply never asked for again (bounded, least recently used
first out). The entries are kept apart from the page cache's, so odd query strings on the front
page never push pages out.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request, session
from flask_babel import get_locale

from govwiki.web.page_cache import PageCache

MAX_ENTRIES = 256
#: the only query arguments the front page reads; with any other the page is rendered afresh
ARGS = frozenset({"lang", "page", "per_page", "status"})


def cacheable(signed_in: bool) -> bool:
    """Only signed-out views with the front page's own arguments and no pending messages."""
    return not signed_in and set(request.args) <= ARGS and "_flashes" not in session


def html(stamp: tuple, render: Callable[[], str]) -> str:
    """The page for this stamp, rendered only when this language and query have not seen it."""
    cache = current_app.extensions.setdefault("govwiki_front_page_cache", PageCache(MAX_ENTRIES))
    key = (str(get_locale()), request.query_string, stamp)
    found = cache.get(key)
    if found is None:
        found = render()
        cache.put(key, found)
    return found

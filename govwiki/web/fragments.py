"""Finished HTML of the costly parts of history and diff pages, for every reader.

The rows of a history page and the body of a diff are most of what those pages cost to render
(fifty table rows, thousands of diff pieces), and they depend only on what their key names:
the revisions shown (with the names their authors go by now), the language, the site's time
zone and what the reader may do with them. The rest of the page (the layout, the tabs, forms
with their CSRF tokens) is rendered live for each request, so a fragment is safe to share
between readers: whoever may not read the page was refused before any key was made.

The HTML is kept per app in the one bounded cache (`core.bounded_cache`), limited in bytes.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from govwiki.core.bounded_cache import BoundedCache

#: part of every key: bump it when a fragment's template changes in a running process
FRAGMENT_VERSION = "1"
MAX_ENTRIES = 1024
MAX_BYTES = 16 * 1024 * 1024


def cache() -> BoundedCache:
    """This app's fragments (one cache per app, so two apps never share HTML)."""
    return current_app.extensions.setdefault(
        "govwiki_fragments", BoundedCache(max_entries=MAX_ENTRIES, max_bytes=MAX_BYTES)
    )


def fragment(kind: str, key: tuple, render: Callable[[], str]) -> Markup:
    """The HTML `render` makes for `key`, in the reader's language, rendered once."""
    full_key = (kind, FRAGMENT_VERSION, str(get_locale()), current_app.config["TIMEZONE"], *key)
    return Markup(cache().get_or_make(full_key, lambda: str(render())))

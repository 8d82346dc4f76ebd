"""Finished HTML of pages as signed-out readers see them.

Most readers are signed out, and for them a page's HTML depends only on things named in the
key: the page and its head revision, the consultation's last change and whether it accepts
contributions now, the number of open suggestions, the discussion's version (bumped by every
new, edited, deleted, supported or hidden comment) and the language. Rendering the full layout
costs far more than checking those, so the HTML is kept per key (bounded, least recently used
first out). A key that no longer matches is simply never asked for again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from flask import current_app, request, session

MAX_ENTRIES = 2048


class PageCache:
    def __init__(self, max_entries: int = MAX_ENTRIES) -> None:
        self._entries: OrderedDict[tuple, str] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple) -> str | None:
        with self._lock:
            html = self._entries.get(key)
            if html is not None:
                self._entries.move_to_end(key)
            return html

    def put(self, key: tuple, html: str) -> None:
        with self._lock:
            self._entries[key] = html
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def cache() -> PageCache:
    """This app's cache (one per app, so two apps in one process never share HTML)."""
    return current_app.extensions.setdefault("govwiki_page_cache", PageCache())


def cacheable(signed_in: bool) -> bool:
    """Only plain signed-out views: no query (it would echo into links), no pending messages."""
    allowed_args = set(request.args) <= {"lang"}
    return not signed_in and allowed_args and "_flashes" not in session

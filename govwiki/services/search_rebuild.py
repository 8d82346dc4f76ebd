"""Rebuilding the search index from the database, and what searches do while it runs.

A rebuild writes a new folder beside the index and swaps it in by renaming, so readers of the
old one are never disturbed (`flask --app app govwiki reindex`). When the index is missing or
damaged there is nothing to read meanwhile: a small site is rebuilt at once inside the search
that found it; a bigger one in a background thread, and until it is done every search raises
SearchRebuilding (a 503 with Retry-After in the API, a notice on the web). A marker file beside
the folder tells every worker that a rebuild is under way.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from govwiki.core.messages import Message
from govwiki.models import Comment, Consultation, Page, Proposal
from govwiki.search.index import SearchIndex
from govwiki.services import search_queue
from govwiki.services.errors import SearchRebuilding

log = logging.getLogger(__name__)

#: up to this many searchable rows, a missing index is rebuilt inside the search that found it
INLINE_REBUILD_ROWS = 5000
#: a marker older than this is from a rebuild that died (its process was killed)
STALE_MARKER_SECONDS = 3600
#: seconds a client is told to wait while the index is being rebuilt
RETRY_AFTER = 30


def rebuild_into(engine, folder: str, progress=lambda done, total: None, procs: int = 1) -> int:
    """Build a new index of every searchable row beside `folder` (analysed in `procs`
    processes), then swap it in by renaming (readers of the old one finish on it); return how
    many documents were indexed."""
    parent = os.path.dirname(os.path.abspath(folder)) or "."
    os.makedirs(parent, exist_ok=True)
    fresh = SearchIndex(os.path.join(parent, f".{os.path.basename(folder)}.new-{uuid.uuid4().hex[:8]}"))
    with open(_marker(folder), "w") as marker:
        marker.write(f"{os.getpid()}\n")
    try:
        fresh.create()
        count = search_queue.rebuild(engine, fresh, progress, procs)
        old = f"{folder}.old-{uuid.uuid4().hex[:8]}"
        if os.path.exists(folder):
            os.rename(folder, old)
        os.rename(fresh.folder, folder)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        shutil.rmtree(fresh.folder, ignore_errors=True)
        _remove(_marker(folder))
    log.info("search index rebuilt in %s: %d documents", folder, count)
    return count


def make_ready(engine, index: SearchIndex) -> None:
    """Return when `index` can be searched; rebuild it if it is missing; raise SearchRebuilding
    while a rebuild it waits for runs."""
    if index.exists():
        return
    if rebuilding(index.folder):
        raise _refusal()
    if _searchable_rows(engine) <= INLINE_REBUILD_ROWS:
        log.warning("no search index in %s: rebuilding it from the database", index.folder)
        rebuild_into(engine, index.folder)
        index.forget()
        return
    log.warning("no search index in %s: rebuilding it in the background", index.folder)
    with open(_marker(index.folder), "w") as marker:  # seen by every search from now on
        marker.write(f"{os.getpid()}\n")
    threading.Thread(target=_rebuild_quietly, args=(engine, index), daemon=True).start()
    raise _refusal()


def set_aside(index: SearchIndex) -> None:
    """Move a damaged index out of the way (kept beside it for a post-mortem)."""
    if os.path.exists(index.folder):
        os.rename(index.folder, f"{index.folder}.damaged-{uuid.uuid4().hex[:8]}")
    index.forget()


def rebuilding(folder: str) -> bool:
    try:
        age = time.time() - os.path.getmtime(_marker(folder))
    except FileNotFoundError:
        return False
    return age < STALE_MARKER_SECONDS


def _rebuild_quietly(engine, index: SearchIndex) -> None:
    try:
        rebuild_into(engine, index.folder)
        index.forget()
    except Exception:
        log.exception("rebuilding the search index in %s failed", index.folder)
        _remove(_marker(index.folder))


def _searchable_rows(engine) -> int:
    with Session(engine) as session:
        return sum(
            session.scalar(select(func.count()).select_from(model))
            for model in (Consultation, Page, Proposal, Comment)
        )


def _refusal() -> SearchRebuilding:
    return SearchRebuilding(
        Message("Search is being rebuilt. Try again in a minute."), retry_after=RETRY_AFTER
    )


def _marker(folder: str) -> str:
    return f"{folder}.rebuilding"


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
